package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.CreateParams;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ConnectUrlsTest {
    static final URI ENDPOINT = URI.create("wss://abc123.execute-api.us-east-1.amazonaws.com/prod");
    static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    @Test
    void createUrlCarriesEveryParameterAndTheTokenLast() {
        URI url = ConnectUrls.build(ENDPOINT, new ConnectRequest.CreateSession(CreateParams.of(LanguageCode.of("en")), new IdToken(JWT)));
        assertThat(url.toString()).startsWith(ENDPOINT + "?action=createSession&sourceLanguage=en&qualityTier=standard")
                .endsWith("&token=" + JWT);
    }

    @Test
    void queryValuesArePercentEncoded() {
        URI url = ConnectUrls.build(ENDPOINT, new ConnectRequest.RefreshConnection(SessionId.of("golden-eagle-427"),
                Role.SPEAKER, null, new IdToken("a b&c=d+e/f")));
        assertThat(url.getRawQuery()).endsWith("token=a%20b%26c%3Dd%2Be%2Ff");
        assertThat(url.getQuery()).endsWith("token=a b&c=d+e/f");
    }

    @Test
    void listenerUrlHasNoToken() {
        URI url = ConnectUrls.build(URI.create("ws://127.0.0.1:8080"),
                new ConnectRequest.JoinSession(SessionId.of("golden-eagle-427"), LanguageCode.of("es")));
        assertThat(url.toString()).isEqualTo("ws://127.0.0.1:8080?action=joinSession&sessionId=golden-eagle-427&targetLanguage=es");
    }

    @Test
    void redactionHidesTokensBearerCredentialsAndBareJwts() {
        String url = "wss://x/prod?action=refreshConnection&sessionId=a-b-123&role=speaker&token=" + JWT;
        assertThat(ConnectUrls.redact(url)).endsWith("token=<redacted>").doesNotContain("eyJ");
        assertThat(ConnectUrls.redact("Authorization: Bearer " + JWT)).isEqualTo("Authorization: Bearer <redacted>");
        assertThat(ConnectUrls.redact("failed with " + JWT + " rejected")).isEqualTo("failed with <redacted> rejected");
    }

    @Test
    void redactionFindsCredentialsWhateverTheirCase() {
        assertThat(ConnectUrls.redact("wss://x/?ACCESS_TOKEN=abc&a=1")).isEqualTo("wss://x/?ACCESS_TOKEN=<redacted>&a=1");
        assertThat(ConnectUrls.redact("wss://x/?IdToken=abc")).isEqualTo("wss://x/?IdToken=<redacted>");
        assertThat(ConnectUrls.redact("BEARER abc.def")).isEqualTo("BEARER <redacted>");
        assertThat(ConnectUrls.redact("Session ended by speaker")).isEqualTo("Session ended by speaker");
        assertThat(ConnectUrls.redact("")).isEmpty();
    }

    @Test
    void overlongUrlIsRefusedWithoutShowingTheToken() {
        String huge = "eyJ" + "a".repeat(5000) + ".b.c";
        assertThatThrownBy(() -> ConnectUrls.build(ENDPOINT, new ConnectRequest.CreateSession(
                CreateParams.of(LanguageCode.of("en")), new IdToken(huge))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the limit of 4096")
                .hasMessageNotContaining("aaaa");
    }

    @Test
    void endpointMustBeAWebSocketUrl() {
        assertThatThrownBy(() -> ConnectUrls.build(URI.create("https://x/prod"),
                new ConnectRequest.JoinSession(SessionId.of("golden-eagle-427"), LanguageCode.of("es"))))
                .hasMessageContaining("ws:// or wss://");
    }
}
