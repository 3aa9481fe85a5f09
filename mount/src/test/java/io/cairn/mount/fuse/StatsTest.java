package io.cairn.mount.fuse;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.FileType;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Statvfs;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTest {
    private static final Runtime RT = Runtime.getSystemRuntime();

    private static FileStat stat() {
        Pointer p = Memory.allocateDirect(RT, Struct.size(new FileStat(RT)));
        return FileStat.of(p);
    }

    @Test
    void aFileShowsTypeAndModeInodeLinksOwnerSizeAndBlocks() {
        FileStat st = stat();
        Attr a = new Attr(42, FileType.FILE, 04755, 1000, 100, 1000, 3, 0, 0, 0, 0, null);
        Stats.fill(st, a, 1025);
        assertThat(st.st_mode.intValue()).isEqualTo(FileStat.S_IFREG | 04755);
        assertThat(st.st_ino.longValue()).isEqualTo(42);
        assertThat(st.st_nlink.intValue()).isEqualTo(3);
        assertThat(st.st_uid.intValue()).isEqualTo(1000);
        assertThat(st.st_gid.intValue()).isEqualTo(100);
        assertThat(st.st_size.longValue()).isEqualTo(1025); // the size passed in (pending writes), not the master's
        assertThat(st.st_blocks.longValue()).isEqualTo(3); // 512-byte units, rounded up
        assertThat(st.st_blksize.intValue()).isEqualTo(131072);
    }

    @Test
    void timesKeepNanosecondsAndGoFarPast2038() {
        FileStat st = stat();
        long y2100 = 4_102_444_800L; // 2100-01-01T00:00:00Z
        Attr a = new Attr(1, FileType.FILE, 0644, 0, 0, 0, 1, y2100 * 1_000_000_000L + 123_456_789,
                -1_500_000_000L, 7, 0, null);
        Stats.fill(st, a, 0);
        assertThat(st.st_atim.tv_sec.get()).isEqualTo(y2100);
        assertThat(st.st_atim.tv_nsec.longValue()).isEqualTo(123_456_789);
        assertThat(st.st_mtim.tv_sec.get()).isEqualTo(-2); // 1969-12-31T23:59:58.5
        assertThat(st.st_mtim.tv_nsec.longValue()).isEqualTo(500_000_000);
        assertThat(st.st_ctim.tv_nsec.longValue()).isEqualTo(7);
    }

    @Test
    void specialFilesShowTheirTypeAndDevice() {
        FileStat st = stat();
        Stats.fill(st, new Attr(5, FileType.CHARDEV, 0600, 0, 0, 0, 1, 0, 0, 0, (1L << 8) | 3, null), 0);
        assertThat(st.st_mode.intValue()).isEqualTo(FileStat.S_IFCHR | 0600);
        assertThat(st.st_rdev.longValue()).isEqualTo(259);
        Stats.fill(st, new Attr(6, FileType.FIFO, 0644, 0, 0, 0, 1, 0, 0, 0, 0, null), 0);
        assertThat(st.st_mode.intValue()).isEqualTo(FileStat.S_IFIFO | 0644);
        Stats.fill(st, new Attr(7, FileType.SYMLINK, 0777, 0, 0, 5, 1, 0, 0, 0, 0, "a.txt"), 5);
        assertThat(st.st_mode.intValue()).isEqualTo(FileStat.S_IFLNK | 0777);
        Stats.fill(st, new Attr(8, FileType.DIR, 0755, 0, 0, 0, 2, 0, 0, 0, 0, null), 0);
        assertThat(st.st_mode.intValue()).isEqualTo(FileStat.S_IFDIR | 0755);
    }

    @Test
    void dfShowsTheClustersCapacityAndFreeSpaceIn4KiBBlocks() {
        Statvfs st = Statvfs.of(Memory.allocateDirect(RT, Struct.size(new Statvfs(RT))));
        Stats.fill(st, new ClusterStatus("c", "v", 4 << 20, 2, 1, 40960L * 4096, 4096L * 4096, 3, 0, 10, 20));
        assertThat(st.f_bsize.longValue()).isEqualTo(4096);
        assertThat(st.f_frsize.longValue()).isEqualTo(4096);
        assertThat(st.f_blocks.longValue()).isEqualTo(40960);
        assertThat(st.f_bfree.longValue()).isEqualTo(36864);
        assertThat(st.f_bavail.longValue()).isEqualTo(36864);
        assertThat(st.f_namemax.longValue()).isEqualTo(255);
    }

    @Test
    void blocksCount512ByteUnits() {
        assertThat(Stats.blocks512(0)).isZero();
        assertThat(Stats.blocks512(1)).isEqualTo(1);
        assertThat(Stats.blocks512(512)).isEqualTo(1);
        assertThat(Stats.blocks512(513)).isEqualTo(2);
        assertThat(Stats.blocks512(1L << 40)).isEqualTo(1L << 31);
    }
}
