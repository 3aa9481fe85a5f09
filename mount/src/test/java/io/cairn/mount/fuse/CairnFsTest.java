package io.cairn.mount.fuse;

import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.NotImplemented;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class CairnFsTest {
    /** jnr-fuse registers with libfuse exactly the methods not marked @NotImplemented. */
    @Test
    void onlyTheOperationsItReallyHandlesAreRegisteredWithLibfuse() {
        Set<String> registered = new TreeSet<>();
        for (Method m : CairnFs.class.getMethods()) {
            boolean fuseOp = Arrays.stream(FuseFS.class.getDeclaredMethods()).anyMatch(f -> f.getName().equals(m.getName()));
            if (fuseOp && m.getAnnotation(NotImplemented.class) == null) {
                registered.add(m.getName());
            }
        }
        assertThat(registered).containsExactlyInAnyOrder(
                "getattr", "fgetattr", "opendir", "readdir", "releasedir", "fsyncdir", "mkdir", "rmdir", "unlink", "rename", "symlink",
                "readlink", "link", "mknod", "chmod", "chown", "utimens", "truncate", "ftruncate", "statfs",
                "create", "open", "read", "write", "flush", "fsync", "release", "init",
                "setxattr", "getxattr", "listxattr", "removexattr", "fallocate", "lock", "flock");
        // not registered, so libfuse answers them itself: access (default_permissions), read_buf/write_buf (leaky stubs),
        // bmap, ioctl, poll (ENOSYS)
    }

    @Test
    void chownLeavesAnIdAloneWhenGivenMinusOne() {
        assertThat(CairnFs.id(4294967295L)).isNull();
        assertThat(CairnFs.id(-1)).isNull();
        assertThat(CairnFs.id(0)).isZero();
        assertThat(CairnFs.id(1000)).isEqualTo(1000);
    }
}
