package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.security.Caller;
import io.cairn.common.wire.FileType;
import io.cairn.master.meta.InodeRow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mode, owner, group, sticky-bit and root rules of {@link Permissions}, and whom a limited token may act as. */
class PermissionsTest {
    private static final Owners TEAM = new Owners("1000-1999", "1000-1999", true);

    private static InodeRow file(int mode, int uid, int gid) {
        return new InodeRow(7, FileType.FILE, mode, uid, gid, 0, 1, 0, 0, 0, 0, null);
    }

    private static InodeRow dir(int mode, int uid, int gid) {
        return new InodeRow(3, FileType.DIR, mode, uid, gid, 0, 2, 0, 0, 0, 0, null);
    }

    private static Permissions as(int uid, Integer... groups) {
        return Permissions.as(uid, Set.of(groups));
    }

    private static String code(ThrowingCall c) {
        try {
            c.run();
            return "OK";
        } catch (CairnException e) {
            return e.code().name();
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws CairnException;
    }

    @Test
    void theOwnersBitsApplyToTheOwnerTheGroupsToAMemberAndTheOthersToTheRest() {
        // -rw-r----- 1600:1700
        int mode = 0640;
        assertThat(Permissions.allows(mode, 1600, 1700, false, 1600, Set.of(1600), Permissions.W)).isTrue();
        assertThat(Permissions.allows(mode, 1600, 1700, false, 1500, Set.of(1500, 1700), Permissions.R)).isTrue();
        assertThat(Permissions.allows(mode, 1600, 1700, false, 1500, Set.of(1500, 1700), Permissions.W)).isFalse();
        assertThat(Permissions.allows(mode, 1600, 1700, false, 1500, Set.of(1500), Permissions.R)).isFalse();
        // the owner's own bits count even when the group's or the others' would allow more (---rw-rw-)
        assertThat(Permissions.allows(0066, 1600, 1700, false, 1600, Set.of(1700), Permissions.R)).isFalse();
    }

    @Test
    void rootReadsAndWritesAnythingAndExecutesOnlyWhatHasAnXBit() {
        assertThat(Permissions.allows(0, 5, 5, false, 0, Set.of(0), Permissions.R | Permissions.W)).isTrue();
        assertThat(Permissions.allows(0, 5, 5, true, 0, Set.of(0), Permissions.X)).isTrue();
        assertThat(Permissions.allows(0644, 5, 5, false, 0, Set.of(0), Permissions.X)).isFalse();
        assertThat(Permissions.allows(0001, 5, 5, false, 0, Set.of(0), Permissions.X)).isTrue();
    }

    @Test
    void changingADirectoryNeedsWriteAndSearch() {
        InodeRow d = dir(0755, 1600, 1600);
        assertThat(code(() -> as(1500, 1500).addTo(d, "create", "/d/f"))).isEqualTo("EACCES");
        assertThat(code(() -> as(1600, 1600).addTo(d, "create", "/d/f"))).isEqualTo("OK");
        assertThat(code(() -> as(1600, 1600).addTo(dir(0600, 1600, 1600), "create", "/d/f"))).isEqualTo("EACCES");
        assertThat(code(() -> as(1500, 1500).search(dir(0700, 1600, 1600), "/d/f"))).isEqualTo("EACCES");
        assertThat(code(() -> as(1500, 1500).search(dir(0711, 1600, 1600), "/d/f"))).isEqualTo("OK");
    }

    @Test
    void inAStickyDirectoryOnlyTheEntrysOwnerTheDirectorysOwnerOrRootRemoveIt() {
        InodeRow tmp = dir(01777, 0, 0);
        InodeRow theirs = file(0666, 1600, 1600);
        assertThat(code(() -> as(1500, 1500).removeFrom(tmp, theirs, "unlink", "/tmp/f"))).isEqualTo("EPERM");
        assertThat(code(() -> as(1600, 1600).removeFrom(tmp, theirs, "unlink", "/tmp/f"))).isEqualTo("OK");
        assertThat(code(() -> as(0, 0).removeFrom(tmp, theirs, "unlink", "/tmp/f"))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).removeFrom(dir(01777, 1500, 1500), theirs, "unlink", "/tmp/f")))
                .isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).removeFrom(dir(0777, 0, 0), theirs, "unlink", "/tmp/f"))).isEqualTo("OK");
    }

    @Test
    void chmodAndGivenTimesAreTheOwnersTimesToNowAWritersToo() {
        InodeRow f = file(0666, 1600, 1600);
        assertThat(code(() -> as(1500, 1500).owner(f, "chmod"))).isEqualTo("EPERM");
        assertThat(code(() -> as(1600, 1600).owner(f, "chmod"))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).touch(f))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).touch(file(0644, 1600, 1600)))).isEqualTo("EACCES");
    }

    @Test
    void onlyRootGivesAnotherUidAndAnOwnerOnlyAGroupItIsIn() {
        InodeRow f = file(0644, 1600, 1600);
        assertThat(code(() -> as(1600, 1600).chown(f, 1500, null))).isEqualTo("EPERM");
        assertThat(code(() -> as(1600, 1600).chown(f, 1600, null))).as("its own uid again").isEqualTo("OK");
        assertThat(code(() -> as(1600, 1600, 1700).chown(f, null, 1700))).isEqualTo("OK");
        assertThat(code(() -> as(1600, 1600).chown(f, null, 1700))).isEqualTo("EPERM");
        assertThat(code(() -> as(1500, 1500, 1700).chown(f, null, 1700))).isEqualTo("EPERM");
        assertThat(code(() -> as(0, 0).chown(f, 1500, 1700))).isEqualTo("OK");
    }

    @Test
    void theOwnerWritesAndReadsItsFileWhateverItsModeOthersNeedTheBits() {
        InodeRow readOnly = file(0444, 1600, 1600);
        assertThat(code(() -> as(1600, 1600).writeData(readOnly))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).writeData(readOnly))).isEqualTo("EACCES");
        assertThat(code(() -> as(1600, 1600).readData(file(0, 1600, 1600)))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).readData(file(0600, 1600, 1600)))).isEqualTo("EACCES");
        assertThat(code(() -> as(1500, 1500).readData(file(0604, 1600, 1600)))).isEqualTo("OK");
        assertThat(code(() -> as(1600, 1600).truncate(readOnly))).as("the owner sizes its file").isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).truncate(readOnly))).as("others need w").isEqualTo("EACCES");
        assertThat(code(() -> as(1500, 1500).truncate(file(0646, 1600, 1600)))).isEqualTo("OK");
    }

    @Test
    void aLimitedTokenActsOnlyAsIdsInItsRangesRootSquashedOtherGroupsDropped() throws Exception {
        Permissions p = Permissions.of(TEAM, new Caller(1500, 1500, List.of(1700, 5, 0)));
        assertThat(p.uid()).isEqualTo(1500);
        assertThat(p.groups()).containsExactly(1500, 1700);
        assertThatThrownBy(() -> Permissions.of(TEAM, new Caller(2000, 1500, List.of())))
                .hasMessageContaining("may act as uids 1000-1999 only, not 2000");
        assertThatThrownBy(() -> Permissions.of(TEAM, new Caller(0, 0, List.of())))
                .hasMessageContaining("not 65534 (uid 0 squashed)");
        assertThatThrownBy(() -> Permissions.of(TEAM, null)).hasMessageContaining("must say which uid");
        Permissions squashed = Permissions.of(new Owners(null, null, true), new Caller(0, 0, List.of()));
        assertThat(squashed.uid()).isEqualTo(Owners.NOBODY);
        assertThat(code(() -> squashed.writeData(file(0644, 0, 0)))).isEqualTo("EACCES");
        assertThat(Permissions.of(Owners.ANY, null).checked()).isFalse();
        assertThatCode(() -> Permissions.UNCHECKED.removeFrom(dir(01700, 0, 0), file(0, 0, 0), "unlink", "/x"))
                .doesNotThrowAnyException();
    }

    @Test
    void aNewFileIsTheCallersUnlessRootSaysOtherwise() throws Exception {
        assertThat(as(1500, 1500).newUid(null)).isEqualTo(1500);
        assertThat(as(1500, 1500).newGid(null)).isEqualTo(1500);
        assertThat(code(() -> as(1500, 1500).newUid(1600))).isEqualTo("EPERM");
        assertThat(code(() -> as(1500, 1500, 1700).newGid(1700))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).newGid(1700))).isEqualTo("EPERM");
        assertThat(as(0, 0).newUid(1600)).isEqualTo(1600);
    }

    @Test
    void userAttributesNeedReadToGetAndWriteToSetOtherNamespacesAreRootsToChange() {
        InodeRow f = file(0644, 1600, 1600);
        assertThat(code(() -> as(1500, 1500).xattr(f, "user.a", false))).isEqualTo("OK");
        assertThat(code(() -> as(1500, 1500).xattr(f, "user.a", true))).isEqualTo("EACCES");
        assertThat(code(() -> as(1600, 1600).xattr(f, "trusted.a", true))).isEqualTo("EPERM");
        assertThat(code(() -> as(0, 0).xattr(f, "trusted.a", true))).isEqualTo("OK");
    }
}
