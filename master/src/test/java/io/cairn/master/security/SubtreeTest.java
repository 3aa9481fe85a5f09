package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a confined token's paths become the namespace's. */
class SubtreeTest {
    @Test
    void aConfinedPathIsTakenInsideItsRoot() throws Exception {
        Subtree s = Subtree.of("/projects//p1/");
        assertThat(s.root()).isEqualTo("/projects/p1");
        assertThat(s.path("/")).isEqualTo("/projects/p1");
        assertThat(s.path("/a/b")).isEqualTo("/projects/p1/a/b");
        assertThat(s.path("//a//")).isEqualTo("/projects/p1/a");
        assertThat(s.entry("/a")).isEqualTo("/projects/p1/a");
    }

    @Test
    void nothingAboveTheRootCanBeNamed() {
        Subtree s = new Subtree("/projects");
        for (String p : new String[] {"/..", "/../secret", "/a/../../secret", "/./a", "a", "", "/a\0b"}) {
            assertThatThrownBy(() -> s.path(p)).as(p).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code().name()).isEqualTo("EINVAL");
        }
        assertThatThrownBy(() -> s.path(null)).isInstanceOf(CairnException.class);
    }

    @Test
    void theRootItselfIsNeitherRemovedNorMoved() {
        Subtree s = new Subtree("/projects");
        for (String p : new String[] {"/", "//"}) {
            assertThatThrownBy(() -> s.entry(p)).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code().name()).isEqualTo("EPERM");
        }
    }

    @Test
    void theWholeNamespaceLeavesPathsAsTheyAre() throws Exception {
        assertThat(Subtree.of(null)).isEqualTo(Subtree.WHOLE);
        assertThat(Subtree.of("/")).isEqualTo(Subtree.WHOLE);
        assertThat(Subtree.WHOLE.whole()).isTrue();
        assertThat(Subtree.WHOLE.path("/a/b")).isEqualTo("/a/b");
        assertThat(Subtree.WHOLE.entry("/")).isEqualTo("/");
        assertThatThrownBy(() -> Subtree.of("../x")).isInstanceOf(CairnException.class);
    }
}
