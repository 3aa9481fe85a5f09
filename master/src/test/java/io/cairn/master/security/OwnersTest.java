package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The owners a token may give files: ranges as written, root squashed, everything else refused. */
class OwnersTest {
    private static String code(ThrowingCall c) {
        try {
            c.run();
        } catch (CairnException e) {
            return e.code().name();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return "served";
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void rangesAreCheckedAndWrittenCanonically() throws Exception {
        assertThat(Owners.of(" 1000-1999, 3000 ,7-7", null, false).uids()).isEqualTo("1000-1999,3000,7");
        assertThat(Owners.of(null, "0-" + Integer.MAX_VALUE, false).gids()).isEqualTo("0-" + Integer.MAX_VALUE);
        for (String bad : new String[] {"", "1-", "-5", "5-3", "a", "1,,2", "2147483648", "99999999999", "1;2", "1-2-3"}) {
            assertThat(code(() -> Owners.of(bad, null, false))).as(bad).isEqualTo("EINVAL");
        }
        assertThat(code(() -> Owners.of("1,".repeat(Owners.MOST_RANGES) + "1", null, false))).isEqualTo("EINVAL");
        assertThat(Owners.of(null, null, false)).isEqualTo(Owners.ANY);
        assertThat(Owners.ANY.any()).isTrue();
    }

    @Test
    void onlyTheGivenIdsAreGivenAndRootIsSquashedFirst() throws Exception {
        Owners o = Owners.of("1000-1999,65534", "100", true);
        assertThat(o.uid(1000)).isEqualTo(1000);
        assertThat(o.uid(1999)).isEqualTo(1999);
        assertThat(o.uid(0)).as("squashed, then allowed").isEqualTo(Owners.NOBODY);
        assertThat(o.uid(null)).as("setattr leaves it").isNull();
        assertThat(o.newUid(null)).as("a new file's default owner is root, squashed").isEqualTo(Owners.NOBODY);
        assertThat(code(() -> o.uid(999))).isEqualTo("EPERM");
        assertThat(code(() -> o.uid(2000))).isEqualTo("EPERM");
        assertThat(code(() -> o.uid(-1))).isEqualTo("EPERM");
        assertThat(o.gid(100)).isEqualTo(100);
        assertThat(code(() -> o.gid(0))).as("squashed to 65534, which it was not given").isEqualTo("EPERM");
        assertThat(code(() -> o.newGid(null))).isEqualTo("EPERM");
        assertThatThrownBy(() -> o.uid(5)).hasMessageContaining("1000-1999,65534").hasMessageContaining("not 5");
    }

    @Test
    void squashAloneChangesOnlyRoot() throws Exception {
        Owners o = Owners.of(null, null, true);
        assertThat(o.uid(0)).isEqualTo(Owners.NOBODY);
        assertThat(o.gid(0)).isEqualTo(Owners.NOBODY);
        assertThat(o.uid(7)).isEqualTo(7);
        assertThat(Owners.ANY.uid(0)).isZero();
        assertThat(Owners.ANY.newUid(null)).as("left to the master's default").isNull();
    }

    @Test
    void squashAllMakesEveryCallerNobody() throws Exception {
        Owners o = Owners.of(null, null, false, true);
        assertThat(o.any()).isFalse();
        assertThat(o.uid(1500)).isEqualTo(Owners.NOBODY);
        assertThat(o.gid(0)).isEqualTo(Owners.NOBODY);
        assertThat(o.actingUid(1500)).isEqualTo(Owners.NOBODY);
        assertThat(o.groupWithin(27)).isEqualTo(Owners.NOBODY);
        assertThatThrownBy(() -> Owners.of("1000-1999", null, false, true).uid(1500))
                .as("squashed first, then checked").hasMessageContaining("1500 squashed");
    }
}
