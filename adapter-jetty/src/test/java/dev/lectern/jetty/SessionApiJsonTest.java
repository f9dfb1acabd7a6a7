package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.port.SessionResource;
import org.junit.jupiter.api.Test;

/**
 * The session API's bodies as the deployed service gives them (protocol section 11.1): GET and PATCH return
 * the stored item as it is, with numbers that may come as strings.
 */
class SessionApiJsonTest {

    @Test
    void numbersThatComeAsStringsAreReadLeniently() {
        SessionResource s = SessionJson.session("{\"sessionId\":\"golden-eagle-427\",\"status\":\"active\",\"isActive\":false,"
                + "\"listenerCount\":\"3\",\"createdAt\":\"1764800000000\",\"expiresAt\":\"1764886400\"}");

        assertThat(s.listenerCount()).isEqualTo(3);
        assertThat(s.createdAtMillis()).isEqualTo(1_764_800_000_000L);
        assertThat(s.expiresAtMillis()).as("seconds, as the service stores it").isEqualTo(1_764_886_400_000L);
        assertThat(s.status()).isEqualTo("active");
    }

    @Test
    void numbersStayNumbersAndWhatIsNoNumberIsUnknown() {
        SessionResource s = SessionJson.session("{\"sessionId\":\"golden-eagle-427\",\"listenerCount\":0,\"createdAt\":1764800000000.0,"
                + "\"expiresAt\":\"soon\"}");

        assertThat(s.listenerCount()).isZero();
        assertThat(s.createdAtMillis()).isEqualTo(1_764_800_000_000L);
        assertThat(s.expiresAtMillis()).isNull();
    }
}
