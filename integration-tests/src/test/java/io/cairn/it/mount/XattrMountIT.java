package io.cairn.it.mount;

import io.cairn.it.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extended attributes through a real mount, with Linux's errors, checked with the system calls
 * themselves (python3's os.setxattr and friends give the errno), and kept by {@code cp -a},
 * {@code rsync -X} and {@code tar --xattrs}; POSIX ACLs refused cleanly.
 */
@Timeout(300)
class XattrMountIT {
    static MountedCluster it;
    static Mounted mnt;
    static Path work;

    @BeforeAll
    static void mount() throws Exception {
        it = MountedCluster.start("xattr", Duration.ZERO);
        mnt = it.mnt;
        work = it.work;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    /** Runs a python3 program in the mount (as root unless prefixed) and returns what it printed. */
    static String py(String program) throws Exception {
        Shell.Result r = mnt.sh("python3 - <<'EOF'\nimport os, errno\n"
                + "def err(f, *a):\n"
                + "    try:\n        f(*a)\n        return 'ok'\n"
                + "    except OSError as e:\n        return errno.errorcode[e.errno]\n"
                + program + "\nEOF");
        assertThat(r.exit()).as("stderr: %s\nmount: %s", r.err(), mnt.stderr()).isZero();
        return r.out();
    }

    @Test
    void setGetListAndRemoveWithLinuxsErrors() throws Exception {
        mnt.ok("echo x > f");
        String out = py("""
                os.setxattr('f', 'user.colour', b'blue')
                print(os.getxattr('f', 'user.colour'))
                print(sorted(os.listxattr('f')))
                print(err(os.setxattr, 'f', 'user.colour', b'red', os.XATTR_CREATE))
                print(err(os.setxattr, 'f', 'user.shape', b'round', os.XATTR_REPLACE))
                os.setxattr('f', 'user.colour', b'red', os.XATTR_REPLACE)
                os.setxattr('f', 'user.shape', b'', os.XATTR_CREATE)
                print(os.getxattr('f', 'user.colour'), os.getxattr('f', 'user.shape'))
                print(err(os.getxattr, 'f', 'user.missing'))
                print(err(os.removexattr, 'f', 'user.missing'))
                os.removexattr('f', 'user.shape')
                print(sorted(os.listxattr('f')))
                print(err(os.setxattr, 'f', 'user.big', b'v' * 65537))
                os.setxattr('f', 'user.max', bytes(range(256)) * 256)
                print(os.getxattr('f', 'user.max') == bytes(range(256)) * 256)
                print(err(os.setxattr, 'f', 'user.' + 'n' * 251, b'x'))
                print(err(os.setxattr, 'f', 'unknown.name', b'x'))
                """);
        assertThat(out.split("\n")).containsExactly("b'blue'", "['user.colour']", "EEXIST", "ENODATA",
                "b'red' b''", "ENODATA", "ENODATA", "['user.colour']", "E2BIG", "True", "ERANGE", "ENOTSUP"); // Linux's EOPNOTSUPP
    }

    @Test
    void aBufferTooSmallIsErangeAndSizeZeroAsksHowBig() throws Exception {
        mnt.ok("echo x > small && python3 -c \"import os; os.setxattr('small', 'user.k', b'0123456789')\"");
        // ctypes: the raw calls, with the buffer sizes the callers choose
        String out = py("""
                import ctypes
                libc = ctypes.CDLL(None, use_errno=True)
                buf = ctypes.create_string_buffer(64)
                print(libc.getxattr(b'small', b'user.k', None, 0))
                print(libc.getxattr(b'small', b'user.k', buf, 4), errno.errorcode[ctypes.get_errno()])
                print(libc.listxattr(b'small', None, 0))
                print(libc.listxattr(b'small', buf, 3), errno.errorcode[ctypes.get_errno()])
                """);
        assertThat(out.split("\n")).containsExactly("10", "-1 ERANGE", "7", "-1 ERANGE");
    }

    @Test
    void trustedNamesAreForRootAndAChangeMovesCtime() throws Exception {
        mnt.ok("mkdir -m 0777 shared && echo x > shared/t && chmod 0666 shared/t");
        py("os.setxattr('shared/t', 'trusted.secret', b's'); os.setxattr('shared/t', 'user.open', b'o')");
        assertThat(py("print(sorted(os.listxattr('shared/t')))").strip()).isEqualTo("['trusted.secret', 'user.open']");
        Shell.Result nobody = mnt.sh("setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c \""
                + "import os, errno\nprint(sorted(os.listxattr('shared/t')))\n"
                + "try:\n    os.setxattr('shared/t', 'trusted.x', b'1')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\n"
                + "try:\n    os.getxattr('shared/t', 'trusted.secret')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\n"
                + "os.setxattr('shared/t', 'user.mine', b'1'); print('user ok')\"");
        assertThat(nobody.out().split("\n")).as(nobody.err()).containsExactly("['user.open']", "EPERM", "ENODATA", "user ok");
        mnt.ok("touch -d '2001-02-03 04:05:06' shared/t");
        long before = Long.parseLong(mnt.ok("stat -c %Z shared/t").out().strip());
        Thread.sleep(1100);
        py("os.setxattr('shared/t', 'user.later', b'1')");
        assertThat(Long.parseLong(mnt.ok("stat -c %Z shared/t").out().strip())).isGreaterThan(before);
    }

    @Test
    void cpArsyncXAndTarXattrsKeepThem() throws Exception {
        Path local = Files.createDirectories(work.resolve("src"));
        Shell.run(local, "echo a > a && mkdir d && echo b > d/b");
        Shell.Result set = Shell.run(local, "python3 -c \"import os; os.setxattr('a', 'user.one', b'1');"
                + " os.setxattr('d', 'user.dir', b'D'); os.setxattr('d/b', 'user.two', b'\\x00\\xff')\"");
        assertThat(set.exit()).as(set.err()).isZero();
        String check = "python3 -c \"import os; print(os.getxattr('%1$s/a', 'user.one'), os.getxattr('%1$s/d', 'user.dir'),"
                + " os.getxattr('%1$s/d/b', 'user.two'))\"";
        String want = "b'1' b'D' b'\\x00\\xff'\n";
        mnt.ok("cp -a " + local + " viacp");
        assertThat(mnt.ok(String.format(check, "viacp")).out()).isEqualTo(want);
        mnt.ok("rsync -aX " + local + "/ viarsync/");
        assertThat(mnt.ok(String.format(check, "viarsync")).out()).isEqualTo(want);
        mnt.ok("tar --xattrs -cf " + work.resolve("x.tar") + " -C " + local + " . && mkdir viatar"
                + " && tar --xattrs --xattrs-include='user.*' -xf " + work.resolve("x.tar") + " -C viatar");
        assertThat(mnt.ok(String.format(check, "viatar")).out()).isEqualTo(want);
        // and back out of the mount
        mnt.ok("cp -a viacp " + work.resolve("back"));
        assertThat(Shell.run(work, String.format(check, "back")).out()).isEqualTo(want);
    }

    @Test
    void aWriteDropsTheFilesCapabilityAsOnALocalDisk() throws Exception {
        // the kernel asks for security.capability before every write and removes it when present;
        // the mount answers "absent" from a short cache, which must not hide one that is there
        mnt.ok("echo x > capf && cat capf >/dev/null && echo y >> capf"); // "absent" is cached now
        String out = py("""
                import struct
                os.setxattr('capf', 'security.capability', struct.pack('<IIIII', 0x02000001, 1 << 10, 0, 0, 0))
                print(os.listxattr('capf'))
                with open('capf', 'a') as f:
                    f.write('z')
                print(os.listxattr('capf'))
                """);
        assertThat(out.split("\n")).containsExactly("['security.capability']", "[]");
    }

    @Test
    void aFileRemovedTakesItsAttributesAlongAndANewFileOfTheSameNameHasNone() throws Exception {
        mnt.ok("echo x > gone && python3 -c \"import os; os.setxattr('gone', 'user.k', b'v')\" && rm gone && echo y > gone");
        assertThat(py("print(os.listxattr('gone'))").strip()).isEqualTo("[]");
    }

    @Test
    void setfaclIsRefusedCleanlyAndTheModeStaysAsItWas() throws Exception {
        boolean have = Shell.run(Path.of("/"), "command -v setfacl").exit() == 0;
        if (!have) {
            System.out.println("SKIPPED: setfacl is not installed (Debian package acl; bin/test installs it)");
        }
        Assumptions.assumeTrue(have, "setfacl is not installed");
        mnt.ok("echo x > acl && chmod 0640 acl");
        Shell.Result r = mnt.sh("setfacl -m u:nobody:r acl");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Operation not supported");
        assertThat(mnt.ok("stat -c %a acl && getfacl -cp acl | grep -c nobody || true").out()).isEqualTo("640\n0\n");
    }
}
