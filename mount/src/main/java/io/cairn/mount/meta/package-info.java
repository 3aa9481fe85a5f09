/**
 * The namespace as the mount sees it: master calls for metadata, and the short-lived attribute and
 * entry cache in front of them (filled by listings, emptied by every change this mount makes).
 */
package io.cairn.mount.meta;
