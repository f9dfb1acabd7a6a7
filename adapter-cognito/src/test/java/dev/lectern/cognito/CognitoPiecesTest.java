package dev.lectern.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CognitoPiecesTest {

    static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void secretHashMatchesAnIndependentlyComputedHmac() {
        // printf 'aliceclient123' | openssl dgst -sha256 -hmac 'topsecret' -binary | base64
        assertThat(SecretHash.of("alice", "client123", "topsecret"))
                .isEqualTo("QOaF4kSzdPw1nPLE5QMEoi2mW87FFhdfpWgk5WhA12c=");
    }

    @Test
    void claimsAreReadFromTheIdToken() {
        TokenClaims claims = TokenClaims.of(jwt("{\"sub\":\"abc-123\",\"token_use\":\"id\",\"exp\":1767229200}"));
        assertThat(claims.expiresAt()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(claims.subject()).isEqualTo("abc-123");
    }

    @Test
    void garbageIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> TokenClaims.of("secret-opaque-token")).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> TokenClaims.of(jwt("{\"sub\":\"x\"}"))).hasMessageContaining("exp");
    }
}
