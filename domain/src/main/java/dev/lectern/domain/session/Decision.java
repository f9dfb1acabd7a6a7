package dev.lectern.domain.session;

import java.util.List;
import java.util.Objects;

/** The outcome of one step: the next state and the effects to carry out, in order. */
public record Decision(SessionState next, List<Effect> effects) {
    public Decision {
        Objects.requireNonNull(next, "next is null");
        effects = List.copyOf(effects);
    }
}
