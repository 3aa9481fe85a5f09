/** The master's HTTP API: routes, bounded JSON bodies, and errors as JSON. */
package io.cairn.master.http;
