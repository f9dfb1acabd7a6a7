package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.SessionId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionIdGeneratorTest {
    static final Pattern GENERATED = Pattern.compile("^[a-z]+-[a-z]+-[1-9]\\d{2}$");

    @Test
    void builtInListsHoldAtLeastAHundredWordsEach() {
        SessionIdGenerator generator = SessionIdGenerator.withBuiltInWords(new SplittableRandom(1));
        assertThat(generator.adjectives()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(generator.nouns()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(generator.capacity()).isGreaterThan(9_000_000);
    }

    @Test
    void idsMatchTheGeneratorPatternAndAreNeverReused() {
        SessionIdGenerator generator = SessionIdGenerator.withBuiltInWords(new SplittableRandom(7));
        Set<SessionId> taken = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            SessionId id = generator.next(taken::contains);
            assertThat(id.value()).matches(GENERATED);
            assertThat(taken.add(id)).isTrue();
        }
    }

    @Test
    void blacklistedWordsNeverAppear() {
        SessionIdGenerator generator = new SessionIdGenerator(List.of("nice", "damn"), List.of("owl", "hell"),
                Set.of("damn", "hell"), new SplittableRandom(3));
        for (int i = 0; i < 500; i++) {
            assertThat(generator.next(id -> false).value()).startsWith("nice-owl-");
        }
    }

    @Test
    void exhaustionIsAClearError() {
        SessionIdGenerator generator = new SessionIdGenerator(List.of("nice"), List.of("owl"), Set.of(), new SplittableRandom(3));
        assertThatThrownBy(() -> generator.next(id -> true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no free session id");
    }

    @Test
    void badWordListIsRefusedNamingTheWord() {
        assertThatThrownBy(() -> new SessionIdGenerator(List.of("Ok1"), List.of("owl"), Set.of(), new SplittableRandom(3)))
                .hasMessageContaining("adjectives").hasMessageContaining("'Ok1'");
    }
}
