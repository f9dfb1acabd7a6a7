package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP requests to the stand-in's session API, as any client of the service makes them. */
record SessionHttp(URI base) {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code token} null: no {@code Authorization} header. */
    HttpResponse<String> request(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /sessions} as {@code token}'s user; the new session's id. */
    String create(String token) throws Exception {
        HttpResponse<String> created = request("POST", "/sessions", token, "{\"sourceLanguage\":\"en\",\"qualityTier\":\"standard\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        return JSON.readTree(created.body()).get("sessionId").asText();
    }
}
