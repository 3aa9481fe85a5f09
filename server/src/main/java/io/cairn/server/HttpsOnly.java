package io.cairn.server;

import io.cairn.common.error.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * On a TLS port, a request that came in plain HTTP (the connector tells TLS from plain bytes) is
 * answered 400 EPROTO with one line saying to use https://, and the connection is closed; it
 * reaches no route.
 */
final class HttpsOnly extends Handler.Wrapper {
    private final String role;

    HttpsOnly(String role) {
        this.role = role;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        String where = Request.getServerName(request) + ":" + Request.getServerPort(request);
        byte[] body = ErrorMapping.errorBytes(ErrorCode.EPROTO, "the " + role + " at http://" + where
                + " speaks HTTPS: use https://" + where);
        response.setStatus(400);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
