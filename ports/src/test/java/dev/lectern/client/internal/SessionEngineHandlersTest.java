package dev.lectern.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.session.Effect;
import org.junit.jupiter.api.Test;

/** The engine's table of effect handlers covers every kind of effect the state machine can ask for. */
class SessionEngineHandlersTest {

    @Test
    void everyKindOfEffectHasAHandler() {
        assertThat(Effect.class.getPermittedSubclasses()).isNotEmpty()
                .allSatisfy(kind -> assertThat(SessionEngine.handles(kind)).as(kind.getName()).isTrue());
    }

    @Test
    void aClassThatIsNoEffectHasNone() {
        assertThat(SessionEngine.handles(String.class)).isFalse();
    }
}
