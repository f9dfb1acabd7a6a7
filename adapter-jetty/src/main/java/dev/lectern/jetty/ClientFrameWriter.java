package dev.lectern.jetty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.message.ClientMessage;
import java.util.Base64;

/**
 * The client's messages as JSON text (protocol section 2): canonical field names, one frame each.
 * Needs only Jackson's streaming core. Thread-safe.
 */
public final class ClientFrameWriter {
    /** API Gateway's frame limit: every JSON message Lectern sends must fit one frame. */
    public static final int MAX_FRAME_BYTES = 32 * 1024;

    private static final JsonFactory STREAMS = new JsonFactory();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private ClientFrameWriter() {}

    /** The JSON text of {@code message}, written field by field by Jackson's streaming generator. */
    public static String write(ClientMessage message) {
        // Jackson's own writer on its pooled buffers, taken and given back as ObjectMapper.writeValueAsString does
        BufferRecycler buffers = STREAMS._getBufferRecycler();
        try (SegmentedStringWriter text = new SegmentedStringWriter(buffers)) {
            try (JsonGenerator o = STREAMS.createGenerator(text)) {
                writeFields(o, message);
            }
            return text.getAndClear();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to memory does not fail
        } finally {
            buffers.releaseToPool();
        }
    }

    private static void writeFields(JsonGenerator o, ClientMessage message) throws java.io.IOException {
        o.writeStartObject();
        o.writeStringField("action", message.action());
        if (message instanceof ClientMessage.Heartbeat m) {
            o.writeNumberField("timestamp", m.timestamp());
        } else if (message instanceof ClientMessage.SendAudio m) {
            if (m.sessionId() != null) {
                o.writeStringField("sessionId", m.sessionId().value());
            }
            o.writeStringField("audioData", B64.encodeToString(m.audio().pcm()));
            o.writeNumberField("timestamp", m.timestamp());
            o.writeStringField("chunkId", Long.toString(m.chunkId()));
            o.writeNumberField("duration", m.audio().duration().toMillis() / 1000.0);
        } else if (message instanceof ClientMessage.AudioChunkUpload m) {
            o.writeStringField("sessionId", m.sessionId().value());
            o.writeStringField("audioData", B64.encodeToString(m.audio().pcm()));
            o.writeNumberField("chunkIndex", m.chunkIndex());
            o.writeNumberField("timestamp", m.timestamp());
            o.writeStringField("format", "pcm");
            o.writeNumberField("sampleRate", AudioChunk.SAMPLE_RATE);
            o.writeNumberField("channels", 1);
            o.writeStringField("encoding", "s16le");
        } else if (message instanceof ClientMessage.SetVolume m) {
            o.writeNumberField("volumeLevel", m.volumeLevel());
        } else if (message instanceof ClientMessage.SpeakerStateChange m) {
            o.writeObjectFieldStart("state");
            if (m.isPaused() != null) {
                o.writeBooleanField("isPaused", m.isPaused());
            }
            if (m.isMuted() != null) {
                o.writeBooleanField("isMuted", m.isMuted());
            }
            if (m.volume() != null) {
                o.writeNumberField("volume", m.volume());
            }
            o.writeEndObject();
        } else if (message instanceof ClientMessage.ChangeLanguage m) {
            o.writeStringField("targetLanguage", m.targetLanguage().value());
        } else if (message instanceof ClientMessage.JoinSession m) {
            o.writeStringField("sessionId", m.sessionId().value());
            o.writeStringField("targetLanguage", m.targetLanguage().value());
        } else if (message instanceof ClientMessage.EndSession m) {
            if (m.reason() != null) {
                o.writeStringField("reason", m.reason());
            }
        }
        o.writeEndObject();
    }

    /** Size in bytes of {@code json} as UTF-8. */
    public static int utf8Length(String json) {
        int n = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
