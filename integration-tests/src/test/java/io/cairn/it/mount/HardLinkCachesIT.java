package io.cairn.it.mount;

import io.cairn.it.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented limit of hard links through libfuse 2.9's high-level API, shown: the kernel keeps one
 * node per name, so after a change through one name it may show another name's old attributes for up
 * to {@code --attr-timeout}. The mount's own caches are never the stale part: once the kernel forgets
 * what it cached (drop_caches), the other name shows the change at once. ({@link LocalDiskBehaviourIT}
 * and {@link LocalDiskComparisonIT} run with {@code --attr-timeout 0}, where no name is ever stale.)
 */
@Timeout(300)
class HardLinkCachesIT {
    static MountedCluster it;
    static Mounted mnt;
    static Path work;

    @BeforeAll
    static void mount() throws Exception {
        it = MountedCluster.start("hardlinks", Duration.ofSeconds(60));
        mnt = it.mnt;
        work = it.work;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    /** Makes the kernel forget the dentries and inodes it caches, so that the next stat asks the mount. */
    static void kernelForgets() throws Exception {
        assertThat(Shell.run(Path.of("/"), "sync && echo 2 > /proc/sys/vm/drop_caches").exit()).isZero();
    }

    @Test
    void anotherNamesAttributesMayBeTheKernelsOldOnesButNeverTheMounts() throws Exception {
        mnt.ok("echo x > one && chmod 0644 one && stat -c '%h %a' one"); // the kernel caches one's attributes
        mnt.ok("ln one two && chmod 0600 two");
        assertThat(mnt.ok("stat -c '%h %a' two").out().strip()).isEqualTo("2 600");
        String stale = mnt.ok("stat -c '%h %a' one").out().strip();
        assertThat(stale).as("the kernel's node for 'one' is not told of changes made through 'two'"
                + " (if this fails, the limit is gone: update the README)").isEqualTo("1 644");
        kernelForgets();
        assertThat(mnt.ok("stat -c '%h %a' one").out().strip()).as("the mount's own answer").isEqualTo("2 600");
        mnt.ok("rm two && chown 1001:1001 one");
        kernelForgets();
        assertThat(mnt.ok("stat -c '%h %u' one").out().strip()).isEqualTo("1 1001");
    }
}
