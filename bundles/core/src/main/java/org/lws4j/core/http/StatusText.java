package org.lws4j.core.http;

/** Reason phrases for status lines and error pages. */
public final class StatusText {
    private StatusText() {
    }

    public static String of(int status) {
        switch (status) {
            case 100: return "Continue";
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 204: return "No Content";
            case 206: return "Partial Content";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 411: return "Length Required";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 415: return "Unsupported Media Type";
            case 417: return "Expectation Failed";
            case 421: return "Misdirected Request";
            case 426: return "Upgrade Required";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 505: return "HTTP Version Not Supported";
            default: return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
        }
    }

    /** True for statuses whose responses never have a body (RFC 9110 section 6.4.1). */
    public static boolean bodyless(int status) {
        return status < 200 || status == 204 || status == 304;
    }
}
