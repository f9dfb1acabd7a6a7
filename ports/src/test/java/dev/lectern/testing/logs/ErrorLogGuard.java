package dev.lectern.testing.logs;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which Lectern logged an ERROR it did not declare with {@link ExpectedErrorLog}. A
 * library that logs an error and carries on (a state-machine bug caught on the lane, a timer on a stopped
 * executor) would otherwise leave every test green. Registered for every test class through the JUnit
 * extension service file and {@code junit.jupiter.extensions.autodetection.enabled}; errors logged in
 * class-level set-up or tear-down fail the class.
 */
public final class ErrorLogGuard implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        CapturedLogs.drain(); // whatever an earlier class left behind is not this class's doing
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check("set-up of " + context.getDisplayName(), CapturedLogs.drain(), classLevel(context), List.of());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<ExpectedErrorLog> required = context.getElement().map(e -> List.of(e.getAnnotationsByType(ExpectedErrorLog.class)))
                .orElse(List.of());
        List<ExpectedErrorLog> allowed = new ArrayList<>(required);
        allowed.addAll(classLevel(context));
        check(context.getDisplayName(), CapturedLogs.drain(), allowed, required);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check("tear-down of " + context.getRequiredTestClass().getSimpleName(), CapturedLogs.drain(), classLevel(context), List.of());
    }

    /** Class-level expectations allow such errors in any of the class's tests without requiring them in each. */
    private static List<ExpectedErrorLog> classLevel(ExtensionContext context) {
        return List.of(context.getRequiredTestClass().getAnnotationsByType(ExpectedErrorLog.class));
    }

    static void check(String where, List<CapturedLogs.Entry> errors, List<ExpectedErrorLog> allowed, List<ExpectedErrorLog> required) {
        List<String> problems = new ArrayList<>();
        for (CapturedLogs.Entry e : errors) {
            if (allowed.stream().noneMatch(x -> matches(x, e))) {
                problems.add("unexpected " + e);
            }
        }
        for (ExpectedErrorLog x : required) {
            if (errors.stream().noneMatch(e -> matches(x, e))) {
                problems.add("expected an ERROR from " + x.logger() + " containing '" + x.message() + "', none was logged");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Lectern's ERROR log during " + where + ":\n  " + String.join("\n  ", problems));
        }
    }

    private static boolean matches(ExpectedErrorLog x, CapturedLogs.Entry e) {
        return e.logger().startsWith(x.logger()) && e.message().contains(x.message());
    }
}
