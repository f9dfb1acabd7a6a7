package dev.lectern.domain.session;

import dev.lectern.domain.event.LecternEvent;
import java.util.ArrayList;
import java.util.List;

/** One step's working memory: the time it is decided at and the effects so far, in order. */
final class Run {
    final long now;
    final List<Effect> out = new ArrayList<>(4);

    Run(long now) {
        this.now = now;
    }

    void emit(Effect effect) {
        out.add(effect);
    }

    void notify(LecternEvent event) {
        out.add(new Effect.Notify(event));
    }
}
