/**
 * Answers to recent requests by request id, kept in the metadata store beside the change they
 * answer, so that a request sent again after a lost answer is answered, not carried out twice.
 */
package io.cairn.master.replay;
