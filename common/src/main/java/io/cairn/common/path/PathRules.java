package io.cairn.common.path;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules every name and path from the wire must pass: UTF-8, absolute, at most 4096 bytes, each
 * name at most 255 bytes, no empty, "." or ".." component, no NUL. Also the chunk id pattern, checked
 * before an id ever touches a file path.
 */
public final class PathRules {
    public static final int NAME_MAX = 255;
    public static final int PATH_MAX = 4096;
    private static final Pattern CHUNK_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern NODE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private PathRules() {
    }

    /** Checks one name (a single path component). */
    public static String name(String name) throws CairnException {
        if (name == null || name.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, "empty name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new CairnException(ErrorCode.EINVAL, "name may not be '.' or '..'");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new CairnException(ErrorCode.EINVAL, "name may not contain '/' or NUL: " + printable(name));
        }
        checkUtf8(name);
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new CairnException(ErrorCode.ENAMETOOLONG, "name longer than " + NAME_MAX + " bytes");
        }
        return name;
    }

    /** The namespaces of extended attribute names Cairn stores ({@code system.*} is the kernel's: ACLs). */
    public static final List<String> XATTR_PREFIXES = List.of("user.", "trusted.", "security.");

    /**
     * Checks the name of an extended attribute: UTF-8 without NUL, at most
     * {@link io.cairn.common.wire.Limits#XATTR_NAME_MAX} bytes (ERANGE beyond, as Linux says), in one
     * of {@link #XATTR_PREFIXES} with something after it (EINVAL otherwise).
     */
    public static String xattrName(String name) throws CairnException {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new CairnException(ErrorCode.EINVAL, "an extended attribute needs a name without NUL");
        }
        checkUtf8(name);
        if (name.getBytes(StandardCharsets.UTF_8).length > io.cairn.common.wire.Limits.XATTR_NAME_MAX) {
            throw new CairnException(ErrorCode.ENAMETOOLONG, "extended attribute name longer than "
                    + io.cairn.common.wire.Limits.XATTR_NAME_MAX + " bytes");
        }
        for (String prefix : XATTR_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return name;
            }
        }
        throw new CairnException(ErrorCode.EINVAL, "extended attribute names start with user., trusted. or security.: "
                + printable(name));
    }

    /** Splits an absolute path into checked components; "/" gives an empty list. */
    public static List<String> split(String path) throws CairnException {
        if (path == null || path.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, "empty path");
        }
        if (path.charAt(0) != '/') {
            throw new CairnException(ErrorCode.EINVAL, "path must be absolute: " + printable(path));
        }
        checkUtf8(path);
        if (path.getBytes(StandardCharsets.UTF_8).length > PATH_MAX) {
            throw new CairnException(ErrorCode.ENAMETOOLONG, "path longer than " + PATH_MAX + " bytes");
        }
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/", -1)) {
            if (p.isEmpty()) {
                continue; // "//" and a trailing "/" are tolerated, as in POSIX
            }
            parts.add(name(p));
        }
        return parts;
    }

    /** The canonical form of a checked path: "/a/b". */
    public static String normalize(String path) throws CairnException {
        return join(split(path));
    }

    public static String join(List<String> parts) {
        if (parts.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append('/').append(p);
        }
        return sb.toString();
    }

    /** Parent of a normalized path ("/" for a top-level entry). */
    public static String parent(String path) throws CairnException {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            return "/";
        }
        return join(parts.subList(0, parts.size() - 1));
    }

    /** Last component of a path, or "" for "/". */
    public static String baseName(String path) throws CairnException {
        List<String> parts = split(path);
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1);
    }

    public static String chunkId(String id) throws CairnException {
        if (id == null || !CHUNK_ID.matcher(id).matches()) {
            throw new CairnException(ErrorCode.EINVAL, "bad chunk id: " + printable(String.valueOf(id)));
        }
        return id;
    }

    public static boolean isChunkId(String id) {
        return id != null && CHUNK_ID.matcher(id).matches();
    }

    public static boolean isNodeId(String id) {
        return id != null && NODE_ID.matcher(id).matches();
    }

    public static String nodeId(String id) throws CairnException {
        if (id == null || !NODE_ID.matcher(id).matches()) {
            throw new CairnException(ErrorCode.EINVAL, "bad node id: " + printable(String.valueOf(id)));
        }
        return id;
    }

    private static void checkUtf8(String s) throws CairnException {
        // A Java string that came from invalid UTF-8 carries U+FFFD or lone surrogates; refuse both.
        if (s.indexOf('\uFFFD') >= 0) {
            throw new CairnException(ErrorCode.EINVAL, "name is not valid UTF-8");
        }
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new CairnException(ErrorCode.EINVAL, "name is not valid UTF-8");
        }
    }

    /** Decodes bytes as strict UTF-8, refusing malformed input. */
    public static String decodeUtf8(byte[] bytes) throws CairnException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CairnException(ErrorCode.EINVAL, "not valid UTF-8");
        }
    }

    /** {@code s} cut to 80 characters, with NULs shown as \\0: for messages. */
    public static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replace("\0", "\\0");
    }
}
