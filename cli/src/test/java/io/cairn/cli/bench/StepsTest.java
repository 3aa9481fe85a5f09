package io.cairn.cli.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StepsTest {
    private static final Settings S = new Settings(1 << 20, 10, 10, null, 10, 1 << 20, Duration.ofSeconds(1),
            Duration.ofMinutes(1), null, false);

    private static List<String> names(List<Step> steps) {
        return steps.stream().map(Step::name).toList();
    }

    @Test
    void theStepsNamedRunWithTheStepsTheyWorkOnInTheirOrder() {
        List<Step> all = Steps.of(S, null);
        assertThat(Steps.select(all, null)).isEqualTo(all);
        assertThat(names(Steps.select(all, List.of("rand-write")))).containsExactly("rand-read", "rand-write");
        assertThat(names(Steps.select(all, List.of("unlink", "seq-read"))))
                .containsExactly("seq-write", "seq-read", "create", "rename", "unlink");
        assertThat(names(Steps.select(all, List.of(" mkdir")))).containsExactly("mkdir");
    }

    @Test
    void aNameThatIsNoStepIsRefusedWithTheNamesThereAre() {
        assertThatThrownBy(() -> Steps.select(Steps.of(S, null), List.of("rand-reed")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no step \"rand-reed\"").hasMessageContaining("rand-read, rand-write");
    }
}
