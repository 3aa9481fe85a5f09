package io.cairn.common.wire;

/** The JSON body of every error reply: {@code {"code": "ENOENT", "message": "..."}}. */
public record ErrorBody(String code, String message) {
}
