package dev.lectern.bench;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.gateway.ServerFrameWriter;
import dev.lectern.jetty.ClientFrameWriter;
import dev.lectern.jetty.MalformedFrameException;
import dev.lectern.jetty.ServerFrameReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding and encoding one 100 ms audio frame, as a listener and a speaker do ten times a second. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CodecBenchmark {
    AudioChunk chunk;
    String frame;
    byte[] frameUtf8;
    ServerMessage.AudioData audio;
    ClientMessage.SendAudio send;

    @Setup
    public void setUp() {
        byte[] pcm = new byte[AudioChunk.BYTES_PER_100_MS];
        new Random(427).nextBytes(pcm);
        chunk = AudioChunk.of(pcm);
        audio = new ServerMessage.AudioData(SessionId.of("golden-eagle-427"), LanguageCode.of("es"), chunk, SequenceNumber.of(4_242),
                1_767_225_600_000L);
        frame = ServerFrameWriter.write(audio);
        frameUtf8 = frame.getBytes(StandardCharsets.UTF_8);
        send = new ClientMessage.SendAudio(SessionId.of("golden-eagle-427"), chunk, 1_767_225_600_000L, 4_242L);
        try {
            for (boolean jacksonBase64 : new boolean[] {true, false}) {
                if (!readAudioFrame(frameUtf8, jacksonBase64).equals(audio)) { // the three readers compared on equal terms
                    throw new IllegalStateException("the streaming reader decodes the frame differently");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a listener does with every audio frame: from the frame's UTF-8 bytes to a chunk. */
    @Benchmark
    public ServerMessage decodeAudioFrame() throws MalformedFrameException {
        return ServerFrameReader.read(frameUtf8, 0, frameUtf8.length);
    }

    /**
     * The same frame through Jackson's streaming parser, in one pass without a tree, the base64 decoded by
     * Jackson: the alternative to the one-pass scanner that {@link #decodeAudioFrame()} measures.
     */
    @Benchmark
    public ServerMessage decodeAudioFrameJacksonStreaming() throws IOException {
        return readAudioFrame(frameUtf8, true);
    }

    /** As {@link #decodeAudioFrameJacksonStreaming()}, the base64 text handed to the JDK's decoder instead. */
    @Benchmark
    public ServerMessage decodeAudioFrameJacksonStreamingJdkBase64() throws IOException {
        return readAudioFrame(frameUtf8, false);
    }

    static final JsonFactory JSON = new JsonFactory();

    /** An audio frame read field by field with Jackson's streaming parser. */
    static ServerMessage.AudioData readAudioFrame(byte[] utf8, boolean jacksonBase64) throws IOException {
        String sessionId = null;
        String language = null;
        byte[] pcm = null;
        long sequence = -1;
        long timestamp = 0;
        try (JsonParser p = JSON.createParser(utf8, 0, utf8.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "sessionId" -> sessionId = p.getText();
                    case "targetLanguage" -> language = p.getText();
                    case "audioData", "audio" -> pcm = jacksonBase64 ? p.getBinaryValue() : Base64.getDecoder().decode(p.getText());
                    case "sequenceNumber" -> sequence = p.getLongValue();
                    case "timestamp" -> timestamp = p.getLongValue();
                    default -> {
                        if (value.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
        }
        return new ServerMessage.AudioData(SessionId.of(sessionId), LanguageCode.of(language), AudioChunk.of(pcm),
                SequenceNumber.of(sequence), timestamp);
    }

    /** The general path (a JSON tree), for every other frame, and for audio frames before the fast path. */
    @Benchmark
    public ServerMessage decodeAudioFrameAsTree() throws MalformedFrameException {
        return ServerFrameReader.read(frame);
    }

    /** What the gateway does once per chunk and language. */
    @Benchmark
    public String encodeAudioFrame() {
        return ServerFrameWriter.write(audio);
    }

    /** What a speaker does with every captured chunk. */
    @Benchmark
    public String encodeSendAudio() {
        return ClientFrameWriter.write(send);
    }
}
