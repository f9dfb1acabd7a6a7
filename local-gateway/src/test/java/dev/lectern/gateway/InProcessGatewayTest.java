package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.jetty.ClientFrameWriter;
import dev.lectern.jetty.ServerFrameReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessGatewayTest {

    @Test
    void aSpeakersChunkReachesTheListenerAsTheWireWouldCarryIt() throws Exception {
        try (InProcessGateway gateway = InProcessGateway.start(GatewaySettings.builder().build())) {
            List<String> toSpeaker = new ArrayList<>();
            InProcessGateway.Link speaker = gateway.connect(Map.of("action", "createSession", "sourceLanguage", "en", "token", "t"),
                    "127.0.0.1", (json, bytes) -> toSpeaker.add(json));
            SessionId id = ((ServerMessage.SessionCreated) ServerFrameReader.read(toSpeaker.get(0))).sessionId();
            List<String> toListener = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            gateway.connect(Map.of("action", "joinSession", "sessionId", id.value(), "targetLanguage", "es"), "127.0.0.2",
                    (json, bytes) -> {
                        toListener.add(json);
                        sizes.add(bytes);
                    });

            speaker.send(ClientFrameWriter.write(new ClientMessage.SendAudio(id, AudioChunk.silence(100), 1L, 1L)));

            assertThat(toListener).hasSize(2);
            assertThat(ServerFrameReader.read(toListener.get(0))).isInstanceOf(ServerMessage.SessionJoined.class);
            ServerMessage.AudioData audio = (ServerMessage.AudioData) ServerFrameReader.read(toListener.get(1));
            assertThat(audio.audio()).isEqualTo(AudioChunk.silence(100));
            assertThat(audio.sequenceNumber().value()).isZero();
            assertThat(sizes.get(1)).isEqualTo(toListener.get(1).getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aRefusedConnectNamesItsStatusAndCode() {
        try (InProcessGateway gateway = InProcessGateway.start(GatewaySettings.builder().build())) {
            assertThatThrownBy(() -> gateway.connect(Map.of("action", "joinSession", "sessionId", "golden-eagle-427",
                    "targetLanguage", "es"), "127.0.0.1", (json, bytes) -> {}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("404 SESSION_NOT_FOUND");
        }
    }
}
