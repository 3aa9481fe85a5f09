package io.cairn.mount.fuse;

import io.cairn.common.path.PathRules;
import ru.serce.jnrfuse.ErrorCodes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the mount answers about extended attributes before asking the master. {@code system.*} names
 * (POSIX ACLs: {@code system.posix_acl_access}, {@code system.posix_acl_default}) are EOPNOTSUPP:
 * ACLs need the kernel to hand permission checks to the file system, a capability libfuse 2.9 does
 * not have, so storing them would only pretend. A name in no namespace Linux knows is EOPNOTSUPP
 * too, as on ext4. Listings leave {@code trusted.*} out for callers other than root, as Linux does.
 */
final class XattrRules {
    private XattrRules() {
    }

    /** A negative errno when the mount refuses the name itself, else 0. */
    static int refuse(String name) {
        for (String prefix : PathRules.XATTR_PREFIXES) {
            if (name.startsWith(prefix)) {
                return 0;
            }
        }
        return -ErrorCodes.EOPNOTSUPP();
    }

    /** A listxattr answer: each name and a NUL, {@code trusted.*} only for root. */
    static byte[] listing(List<String> names, boolean root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String n : names) {
            if (!root && n.startsWith("trusted.")) {
                continue;
            }
            out.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }
}
