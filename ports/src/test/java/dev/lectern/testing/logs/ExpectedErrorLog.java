package dev.lectern.testing.logs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a test makes Lectern log an ERROR on purpose. {@link ErrorLogGuard} then accepts ERROR lines
 * from a logger whose name starts with {@link #logger()} and whose message contains {@link #message()}, and
 * fails the test if no such line was written: an expectation that never comes true is a broken test too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(ExpectedErrorLog.List.class)
public @interface ExpectedErrorLog {
    /** Logger name, or the start of it. */
    String logger();

    /** A fragment of the formatted message. */
    String message();

    /** Holder for repeated expectations. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    @interface List {
        ExpectedErrorLog[] value();
    }
}
