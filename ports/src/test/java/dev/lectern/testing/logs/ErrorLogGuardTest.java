package dev.lectern.testing.logs;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The guard fails what it must fail and passes what it must pass, shown on small fixture classes. */
class ErrorLogGuardTest {
    static final Logger lectern = LoggerFactory.getLogger("dev.lectern.fixture.Component");
    static final Logger other = LoggerFactory.getLogger("org.example.Other");

    /** The fixtures fail on purpose: they run only when this test runs them, never on their own. */
    static volatile boolean runningFixture;

    static boolean runningFixture() {
        return runningFixture;
    }

    static Events run(Class<?> fixture) {
        runningFixture = true;
        try {
            return EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .selectors(selectClass(fixture)).execute().testEvents();
        } finally {
            runningFixture = false;
        }
    }

    @EnabledIf("dev.lectern.testing.logs.ErrorLogGuardTest#runningFixture")
    static class LogsAnUndeclaredError {
        @Test
        void logs() {
            lectern.error("state machine rejected an input");
        }
    }

    @EnabledIf("dev.lectern.testing.logs.ErrorLogGuardTest#runningFixture")
    static class LogsAnErrorFromAnotherThread {
        @Test
        void logs() throws InterruptedException {
            Thread t = new Thread(() -> lectern.error("failed on a lane"));
            t.start();
            t.join();
        }
    }

    @EnabledIf("dev.lectern.testing.logs.ErrorLogGuardTest#runningFixture")
    static class DeclaresTheErrorItLogs {
        @Test
        @ExpectedErrorLog(logger = "dev.lectern.fixture", message = "rejected")
        void logs() {
            lectern.error("state machine rejected an input");
        }
    }

    @EnabledIf("dev.lectern.testing.logs.ErrorLogGuardTest#runningFixture")
    static class DeclaresAnErrorThatNeverComes {
        @Test
        @ExpectedErrorLog(logger = "dev.lectern.fixture", message = "rejected")
        void quiet() {}
    }

    @EnabledIf("dev.lectern.testing.logs.ErrorLogGuardTest#runningFixture")
    static class LogsOnlyWarningsAndOthersErrors {
        @Test
        void logs() {
            lectern.warn("listener threw; ignored");
            other.error("not ours");
        }
    }

    @Test
    void anUndeclaredErrorFailsTheTestThatCausedIt() {
        run(LogsAnUndeclaredError.class).assertStatistics(s -> s.started(1).failed(1));
    }

    @Test
    void anErrorFromAnyThreadCounts() {
        run(LogsAnErrorFromAnotherThread.class).assertStatistics(s -> s.started(1).failed(1));
    }

    @Test
    void aDeclaredErrorPasses() {
        run(DeclaresTheErrorItLogs.class).assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aDeclaredErrorThatNeverComesFails() {
        run(DeclaresAnErrorThatNeverComes.class).assertStatistics(s -> s.started(1).failed(1));
    }

    @Test
    void warningsAndOtherLibrariesErrorsPass() {
        run(LogsOnlyWarningsAndOthersErrors.class).assertStatistics(s -> s.started(1).succeeded(1));
    }
}
