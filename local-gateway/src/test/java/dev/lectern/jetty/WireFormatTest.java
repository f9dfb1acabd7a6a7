package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.gateway.ServerFrameWriter;
import dev.lectern.gateway.ClientFrameReader;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {
    static final SessionId ID = SessionId.of("golden-eagle-427");
    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");
    static final AudioChunk AUDIO = AudioChunk.of(new byte[] {1, 0, 2, 0, 3, 0, 4, 0});

    @Test
    void everyClientMessageRoundTrips() throws Exception {
        List<ClientMessage> all = List.of(
                new ClientMessage.Heartbeat(42),
                new ClientMessage.SendAudio(ID, AUDIO, 7, 99),
                new ClientMessage.AudioChunkUpload(ID, AUDIO, 3, 8),
                new ClientMessage.PauseBroadcast(), new ClientMessage.ResumeBroadcast(),
                new ClientMessage.MuteBroadcast(), new ClientMessage.UnmuteBroadcast(),
                new ClientMessage.SetVolume(0.5),
                new ClientMessage.SpeakerStateChange(true, null, 0.25),
                new ClientMessage.GetSessionStatus(), new ClientMessage.PausePlayback(),
                new ClientMessage.ChangeLanguage(ES),
                new ClientMessage.JoinSession(ID, ES),
                new ClientMessage.EndSession("done"));
        for (ClientMessage m : all) {
            assertThat(ClientFrameReader.read(ClientFrameWriter.write(m))).as(m.action()).isEqualTo(m);
        }
    }

    @Test
    void clientMessagesAreWrittenAsTheProtocolSpellsThem() throws Exception {
        assertThat(ClientFrameWriter.write(new ClientMessage.Heartbeat(1_700_000_000_000L)))
                .isEqualTo("{\"action\":\"heartbeat\",\"timestamp\":1700000000000}");
        assertThat(ClientFrameWriter.write(new ClientMessage.SpeakerStateChange(true, null, 0.25)))
                .isEqualTo("{\"action\":\"speakerStateChange\",\"state\":{\"isPaused\":true,\"volume\":0.25}}");
        assertThat(ClientFrameWriter.write(new ClientMessage.PauseBroadcast())).isEqualTo("{\"action\":\"pauseBroadcast\"}");
        String awkward = "said \"bye\"\n\\ \u00e9\u0001 \ud83c\udf99";
        String json = ClientFrameWriter.write(new ClientMessage.EndSession(awkward));
        assertThat(json).startsWith("{\"action\":\"endSession\",\"reason\":\"said \\\"bye\\\"\\n");
        assertThat(ClientFrameReader.read(json)).isEqualTo(new ClientMessage.EndSession(awkward));
    }

    @Test
    void sendAudioHasTheProtocolFields() {
        String json = ClientFrameWriter.write(new ClientMessage.SendAudio(ID, AudioChunk.silence(100), 1_700_000_000_000L, 5));
        assertThat(json).contains("\"action\":\"sendAudio\"").contains("\"sessionId\":\"golden-eagle-427\"")
                .contains("\"chunkId\":\"5\"").contains("\"duration\":0.1").contains("\"timestamp\":1700000000000");
        assertThat(ClientFrameWriter.utf8Length(json)).isLessThan(ClientFrameWriter.MAX_FRAME_BYTES);
    }

    @Test
    void everyServerMessageRoundTrips() throws Exception {
        BroadcastState state = new BroadcastState(true, true, false, 0.5, 123);
        List<ServerMessage> all = List.of(
                new ServerMessage.SessionCreated(ID, EN, "standard", true, 0.85, 5.0, "c1", 1L, 1_767_232_800_000L),
                new ServerMessage.SessionJoined(ID, ES, EN, "c2", 3, "premium", 2L),
                new ServerMessage.HeartbeatAck(3L, 4L),
                new ServerMessage.ConnectionRefreshRequired(ID, "listener", ES, "refresh", 5L),
                new ServerMessage.ConnectionRefreshComplete(ID, "listener", ES, EN, 6L),
                new ServerMessage.ConnectionWarning("soon", 14.5, 7L),
                new ServerMessage.ConnectionTimeout("idle", 600, 8L),
                new ServerMessage.SessionEnded(ID, "Speaker has ended the session", 9L),
                new ServerMessage.SessionStatus(ID, 2, Map.of("es", 2), 60L, state, "requested", 10L),
                new ServerMessage.LanguageChanged(ID, ES, EN, 11L),
                new ServerMessage.PlaybackPaused(ID, 12L),
                new ServerMessage.BroadcastChanged(Kind.BROADCAST_PAUSED, ID, state, 4, null, null, 13L),
                new ServerMessage.BroadcastChanged(Kind.VOLUME_CHANGED, ID, null, null, 0.5, null, 14L),
                new ServerMessage.AudioData(ID, ES, AUDIO, SequenceNumber.of(17), 15L),
                new ServerMessage.ErrorFrame("SESSION_NOT_FOUND", "Session not found", 404, null, Map.of("sessionId", "golden-eagle-427"), 16L),
                new ServerMessage.ErrorFrame("RATE_LIMIT_EXCEEDED", "slow", 429, 7L, Map.of(), 17L),
                new ServerMessage.GatewayFault("Forbidden", "abc", "req"));
        for (ServerMessage m : all) {
            ServerMessage back = ServerFrameReader.read(ServerFrameWriter.write(m));
            if (m instanceof ServerMessage.ErrorFrame e && e.retryAfterSeconds() != null) {
                assertThat(back).isInstanceOfSatisfying(ServerMessage.ErrorFrame.class,
                        b -> assertThat(b.retryAfterSeconds()).isEqualTo(e.retryAfterSeconds()));
            } else {
                assertThat(back).as(m.type()).isEqualTo(m);
            }
        }
    }

    @Test
    void aliasesMapOntoCanonicalMessages() throws Exception {
        assertThat(kind("{\"type\":\"sessionPaused\"}")).isEqualTo(Kind.BROADCAST_PAUSED);
        assertThat(kind("{\"type\":\"speakerPaused\"}")).isEqualTo(Kind.BROADCAST_PAUSED);
        assertThat(kind("{\"type\":\"sessionResumed\"}")).isEqualTo(Kind.BROADCAST_RESUMED);
        assertThat(kind("{\"type\":\"speakerResumed\"}")).isEqualTo(Kind.BROADCAST_RESUMED);
        assertThat(kind("{\"type\":\"speakerMuted\"}")).isEqualTo(Kind.BROADCAST_MUTED);
        assertThat(kind("{\"type\":\"speakerUnmuted\"}")).isEqualTo(Kind.BROADCAST_UNMUTED);
        ServerMessage control = ServerFrameReader.read("{\"type\":\"broadcastControl\",\"isPaused\":true,\"isMuted\":false,\"volume\":0.3}");
        assertThat(control).isInstanceOfSatisfying(ServerMessage.BroadcastChanged.class, c -> {
            assertThat(c.kind()).isEqualTo(Kind.SPEAKER_STATE_CHANGED);
            assertThat(c.broadcastState().isPaused()).isTrue();
            assertThat(c.broadcastState().volume()).isEqualTo(0.3);
        });
        ServerMessage withState = ServerFrameReader.read("{\"type\":\"speakerStateChanged\",\"state\":{\"isPaused\":true}}");
        assertThat(((ServerMessage.BroadcastChanged) withState).broadcastState().isPaused()).isTrue();
        assertThat(ServerFrameReader.read("{\"type\":\"connectionRefresh\",\"newConnectionUrl\":\"wss://x\",\"expiresIn\":60}"))
                .isInstanceOf(ServerMessage.ConnectionRefreshRequired.class);
        assertThat(ServerFrameReader.read("{\"type\":\"audioQualityWarning\",\"warningType\":\"clipping\",\"message\":\"m\"}"))
                .isEqualTo(new ServerMessage.AudioQualityWarning("clipping", "m", Map.of(), null));
        assertThat(ServerFrameReader.read("{\"type\":\"sessionEnded\",\"reason\":\"deleted\"}"))
                .isEqualTo(new ServerMessage.SessionEnded(null, "deleted", null));
        assertThat(ServerFrameReader.read("{\"type\":\"listenerJoined\",\"listenerCount\":3}"))
                .isEqualTo(new ServerMessage.Unknown("listenerJoined"));
    }

    @Test
    void audioIsReadFromEveryForm() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(AUDIO.pcm());
        assertThat(ServerFrameReader.read("{\"type\":\"audioData\",\"audioData\":\"" + b64 + "\"}"))
                .isEqualTo(new ServerMessage.AudioData(null, null, AUDIO, null, null));
        assertThat(ServerFrameReader.read("{\"type\":\"audio\",\"audio\":\"" + b64 + "\",\"sequenceNumber\":4,\"format\":\"pcm\"}"))
                .isEqualTo(new ServerMessage.AudioData(null, null, AUDIO, SequenceNumber.of(4), null));
        assertThat(ServerFrameReader.readBinary(AUDIO.pcm())).isEqualTo(new ServerMessage.AudioData(null, null, AUDIO, null, null));
        assertThat(ServerFrameReader.read("{\"type\":\"translatedAudio\",\"url\":\"https://s3/x.mp3\",\"duration\":3.0,\"sequenceNumber\":2}"))
                .isInstanceOf(ServerMessage.TranslatedAudio.class);
    }

    @Test
    void everyErrorShapeIsRead() throws Exception {
        assertThat(error("{\"type\":\"error\",\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"m\",\"details\":{\"retryAfter\":12}}").retryAfterSeconds())
                .isEqualTo(12);
        assertThat(error("{\"type\":\"error\",\"code\":429,\"message\":\"m\",\"retryAfter\":3}")).satisfies(e -> {
            assertThat(e.code()).isEqualTo("429");
            assertThat(e.retryAfterSeconds()).isEqualTo(3);
        });
        assertThat(error("{\"type\":\"error\",\"code\":\"X\",\"details\":\"just text\",\"correlationId\":\"c\"}").details())
                .containsEntry("detail", "just text");
        assertThat(error("{\"type\":\"error\",\"error\":\"AUDIO_FAILED\",\"message\":\"m\"}").code()).isEqualTo("AUDIO_FAILED");
        assertThat(error("{\"type\":\"error\",\"message\":\"Unauthorized\",\"statusCode\":401}").status()).isEqualTo(401);
        assertThat(ServerFrameReader.read("{\"message\":\"Internal server error\",\"connectionId\":\"c\",\"requestId\":\"r\"}"))
                .isEqualTo(new ServerMessage.GatewayFault("Internal server error", "c", "r"));
    }

    @Test
    void expiresAtInSecondsIsReadAsMilliseconds() throws Exception {
        ServerMessage created = ServerFrameReader.read("{\"type\":\"sessionCreated\",\"sessionId\":\"golden-eagle-427\",\"expiresAt\":1767229200}");
        assertThat(((ServerMessage.SessionCreated) created).expiresAt()).isEqualTo(1_767_229_200_000L);
    }

    @Test
    void unknownFieldsAndTypesAreIgnored() throws Exception {
        assertThat(ServerFrameReader.read("{\"type\":\"heartbeatAck\",\"timestamp\":1,\"brandNew\":{\"x\":[1,2]}}"))
                .isEqualTo(new ServerMessage.HeartbeatAck(1L, null));
        assertThat(ServerFrameReader.read("{\"type\":\"somethingNew\"}")).isEqualTo(new ServerMessage.Unknown("somethingNew"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "42", "{\"noType\":1}", "{\"type\":\"sessionCreated\"}",
            "{\"type\":\"audioData\"}", "{\"type\":\"audioData\",\"audioData\":\"%%%\"}", "{\"type\":\"audioData\",\"audioData\":\"AQ==\"}",
            "{\"type\":\"languageChanged\"}", "{\"type\":\"sessionJoined\",\"sessionId\":\"NOT AN ID\"}", "{\"type\":\"languageChanged\",\"targetLanguage\":\"zz\"}"})
    void malformedServerFramesAreReportedNotThrownAsAnythingElse(String frame) {
        assertThatThrownBy(() -> ServerFrameReader.read(frame)).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void malformedClientFramesNameTheProtocolCode() {
        assertThatThrownBy(() -> ClientFrameReader.read("nope")).hasMessageStartingWith("INVALID_MESSAGE");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"x\":1}")).hasMessageStartingWith("MISSING_ACTION");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"action\":\"dance\"}")).hasMessageStartingWith("INVALID_ACTION");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"action\":\"setVolume\"}")).hasMessageStartingWith("MISSING_PARAMETER");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"action\":\"setVolume\",\"volumeLevel\":3}")).hasMessageStartingWith("INVALID_PARAMETER");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"action\":\"speakerStateChange\",\"state\":{\"isLoud\":true}}"))
                .hasMessageStartingWith("INVALID_PARAMETER");
        assertThatThrownBy(() -> ClientFrameReader.read("{\"action\":\"changeLanguage\",\"targetLanguage\":\"xx\"}"))
                .hasMessageStartingWith("INVALID_PARAMETER");
    }

    static Kind kind(String json) throws Exception {
        return ((ServerMessage.BroadcastChanged) ServerFrameReader.read(json)).kind();
    }

    static ServerMessage.ErrorFrame error(String json) throws Exception {
        return (ServerMessage.ErrorFrame) ServerFrameReader.read(json);
    }

    /**
     * The frames and messages of a listener's ordinary life (its join's answer, audio, the heartbeat and its
     * acknowledgement, the session's end) are read and written without Jackson's object mapper: the client's
     * reader and writer run in a class loader of their own, which records every class it loads.
     */
    @Test
    void aListenersFramesAndMessagesNeedNoObjectMapper() throws Exception {
        java.util.Set<String> loaded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.net.URL[] path = java.util.stream.Stream.of(ServerFrameReader.class, AudioChunk.class, com.fasterxml.jackson.core.JsonFactory.class,
                        com.fasterxml.jackson.databind.ObjectMapper.class, Class.forName("com.fasterxml.jackson.annotation.JsonProperty"))
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation()).distinct().toArray(java.net.URL[]::new);
        try (java.net.URLClassLoader fresh = new java.net.URLClassLoader(path, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                loaded.add(name);
                return super.findClass(name);
            }
        }) {
            Class<?> reader = fresh.loadClass(ServerFrameReader.class.getName());
            Class<?> writer = fresh.loadClass(ClientFrameWriter.class.getName());
            java.lang.reflect.Method decode = reader.getMethod("read", byte[].class, int.class, int.class);
            byte[] pcm = new byte[3_200];
            for (ServerMessage frame : List.of(
                    new ServerMessage.SessionJoined(SessionId.of("golden-eagle-427"), LanguageCode.of("es"), LanguageCode.of("en"),
                            "c-1", 3, "standard", 1L),
                    new ServerMessage.AudioData(SessionId.of("golden-eagle-427"), LanguageCode.of("es"), AudioChunk.of(pcm),
                            SequenceNumber.of(1), 2L),
                    new ServerMessage.HeartbeatAck(3L, 4L),
                    new ServerMessage.SessionEnded(SessionId.of("golden-eagle-427"), "Session ended by speaker", 5L))) {
                byte[] utf8 = ServerFrameWriter.write(frame).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(decode.invoke(null, utf8, 0, utf8.length)).as(frame.type()).hasToString(frame.toString());
            }
            Class<?> message = fresh.loadClass(ClientMessage.class.getName());
            Object heartbeat = fresh.loadClass(ClientMessage.Heartbeat.class.getName()).getConstructor(long.class).newInstance(6L);
            assertThat(writer.getMethod("write", message).invoke(null, heartbeat))
                    .isEqualTo(ClientFrameWriter.write(new ClientMessage.Heartbeat(6L)));
        }

        assertThat(loaded).as("classes the codec loaded").contains(ServerFrameReader.class.getName(), ClientFrameWriter.class.getName(), "com.fasterxml.jackson.core.JsonFactory")
                .noneMatch(name -> name.startsWith("com.fasterxml.jackson.databind."));
    }
}
