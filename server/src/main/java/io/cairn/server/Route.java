package io.cairn.server;

/**
 * One entry of a server's route table.
 *
 * @param group     the group that installed it
 * @param method    GET, HEAD, POST, PUT or DELETE
 * @param path      as routed, with {@code {id}} for a path parameter
 * @param bodyLimit the most request body bytes it reads; 0 for a route that takes no body
 * @param guard     the check it runs before its handler
 */
public record Route(String group, String method, String path, long bodyLimit, Guard guard) {
    public boolean takesBody() {
        return bodyLimit > 0;
    }
}
