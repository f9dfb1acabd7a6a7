package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.gateway.ServerFrameWriter;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader must read every frame it accepts exactly as the JSON tree does, and hand
 * every other frame back: generated frames in the shapes a gateway may write, and in shapes it should
 * not, are decoded both ways and must agree.
 */
class FlatFrameReaderTest {
    static final SessionId ID = SessionId.of("golden-eagle-427");

    @Test
    void readsWhatTheCodecWrites() throws Exception {
        byte[] pcm = new byte[3_200];
        new Random(7).nextBytes(pcm);
        ServerMessage.AudioData sent = new ServerMessage.AudioData(ID, LanguageCode.of("es"), AudioChunk.of(pcm), SequenceNumber.of(41),
                1_764_000_000_000L);
        byte[] frame = ServerFrameWriter.write(sent).getBytes(StandardCharsets.UTF_8);

        assertThat(FlatFrameReader.read(frame, 0, frame.length)).as("the one-pass reader takes the gateway's frame").isNotNull();
        assertThat(ServerFrameReader.read(frame, 0, frame.length)).isEqualTo(sent);
    }

    @Test
    void readsTheJoinTheHeartbeatAcknowledgementAndTheEndAsTheGatewayWritesThem() throws Exception {
        for (ServerMessage sent : List.of(new ServerMessage.HeartbeatAck(1_764_000_000_000L, 1_764_000_000_007L),
                new ServerMessage.SessionEnded(ID, "Session ended by speaker", 1_764_000_000_000L),
                new ServerMessage.SessionJoined(ID, LanguageCode.of("es"), LanguageCode.of("en"), "c-17", 12, "standard",
                        1_764_000_000_000L),
                new ServerMessage.SessionJoined(ID, LanguageCode.of("de"), null, null, null, null, null))) {
            byte[] frame = ServerFrameWriter.write(sent).getBytes(StandardCharsets.UTF_8);

            assertThat(ServerFrameReader.flatFrame(frame, 0, frame.length)).as("%s read in one pass", sent.type()).isEqualTo(sent);
            assertThat(ServerFrameReader.read(frame, 0, frame.length)).isEqualTo(sent);
        }
    }

    @Test
    void readsOnlyTheGivenRange() throws Exception {
        byte[] frame = "xx{\"type\":\"audio\",\"audio\":\"AAE=\",\"sequenceNumber\":3}yy".getBytes(StandardCharsets.US_ASCII);

        FlatFrameReader.Fields f = FlatFrameReader.read(frame, 2, frame.length - 4);

        assertThat(f).isNotNull();
        assertThat(f.audio()).containsExactly(0, 1);
        assertThat(f.sequenceNumber()).isEqualTo(3L);
    }

    @Test
    void handsBackWhatItIsNotSureOf() {
        for (String frame : List.of(
                "{\"type\":\"audio\",\"audio\":\"AA\\/E\"}",             // an escape
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"audio\":\"AAE=\"}", // a duplicate
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"x\":{}}",        // a nested value
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"timestamp\":null}", // a literal
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"sequenceNumber\":1.0}", // a fraction
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"sequenceNumber\":\"1\"}", // a number as text
                "{\"type\":\"audio\",\"audio\":\"AAE=\",\"sessionId\":\"caf\u00e9\"}", // beyond ASCII
                "{\"type\":\"audio\",\"audio\":\"AAE=\"",                 // no end
                "{\"type\":\"sessionStatus\"}",                            // not a type read here
                "{\"type\":\"heartbeatAck\",\"timestamp\":\"12\"}",           // a number as text
                "{\"type\":\"sessionEnded\",\"message\":42}",              // a number as text
                "{\"type\":\"sessionJoined\",\"listenerCount\":\"3\"}",     // a number as text
                "{\"type\":\"audio\",\"sessionId\":\"golden-eagle-427\"}",  // audio without its data
                "{}", "[]", "")) {
            byte[] b = frame.getBytes(StandardCharsets.UTF_8);
            assertThat(FlatFrameReader.read(b, 0, b.length)).as(frame).isNull();
        }
    }

    @Test
    void findsTheEndOfAStringWhereverTheByteThatEndsItSits() {
        byte[] specials = {'"', '\\', '\t', 0x1f, 0, (byte) 0xc3, (byte) 0x80, (byte) 0xff};
        for (int length = 0; length < 40; length++) {
            for (int at = 0; at < length; at++) {
                for (byte special : specials) {
                    for (int start = 0; start < 9; start++) {
                        byte[] b = new byte[start + length];
                        java.util.Arrays.fill(b, (byte) 'A');
                        b[start + at] = special;
                        int expected = special == '"' ? start + at : -1;
                        assertThat(FlatFrameReader.stringEnd(b, start, b.length))
                                .as("byte %d at %d of %d from %d", special, at, length, start).isEqualTo(expected);
                    }
                }
            }
            byte[] plain = new byte[length];
            java.util.Arrays.fill(plain, (byte) '+');
            assertThat(FlatFrameReader.stringEnd(plain, 0, length)).as("no end in %d bytes", length).isEqualTo(-1);
        }
    }

    @Test
    void audioThatIsNotBase64FailsAsTheTreeFails() {
        byte[] frame = "{\"type\":\"audio\",\"audio\":\"AA!=\"}".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> ServerFrameReader.read(frame, 0, frame.length))
                .isInstanceOf(MalformedFrameException.class).hasMessage("INVALID_PARAMETER: audio is not base64");
        assertThatThrownBy(() -> ServerFrameReader.read(new String(frame, StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedFrameException.class).hasMessage("INVALID_PARAMETER: audio is not base64");
    }

    /** A frame built from a seed: the fields in a random order, some of them odd, with random white space. */
    static String frame(long seed) {
        Random r = new Random(seed);
        boolean plain = r.nextBoolean(); // half of them in the gateway's own shape, the other half anything
        List<String> fields = new ArrayList<>();
        String type = pick(r, false, "audioData", "audioData", "heartbeatAck", "sessionEnded", "sessionJoined"); // in the gateway's shape too
        fields.add(pick(r, plain, "\"type\":\"" + type + "\"", "\"type\":\"audio\"", "\"type\":\"audio\"",
                "\"type\":\"sessionStatus\"", "\"type\":3", "\"type\":\"heartbeatAck\"", "\"type\":\"sessionEnded\"",
                "\"type\":\"sessionJoined\"", ""));
        byte[] pcm = new byte[!plain && r.nextInt(8) == 0 ? r.nextInt(5) : 2 * (1 + r.nextInt(300))];
        r.nextBytes(pcm);
        String data = Base64.getEncoder().encodeToString(pcm);
        data = switch (plain ? -1 : r.nextInt(16)) {
            case 0 -> data.replace("/", "\\/");
            case 1 -> data + "!";
            case 2 -> data.isEmpty() ? data : data.substring(1);
            case 3 -> data.replace("=", ""); // unpadded, which the JDK's decoder takes
            case 4 -> data + "=";
            case 5, 6 -> Base64ValueTest.spoil(data, r); // a character outside the alphabet, or a padding one, anywhere
            default -> data;
        };
        String dataName = pick(r, plain, "audioData", "audio");
        if (!type.startsWith("audio") && r.nextBoolean()) {
            dataName = "note"; // a heartbeat acknowledgement, an end or a join, without audio (an unknown field)
        }
        fields.add(!plain && r.nextInt(20) == 0 ? "\"" + dataName + "\":null" : "\"" + dataName + "\":\"" + data + "\"");
        if (!plain && r.nextInt(20) == 0) {
            fields.add("\"" + (dataName.equals("audio") ? "audioData" : "audio") + "\":\"AAE=\"");
        }
        fields.add(pick(r, plain, "\"sessionId\":\"golden-eagle-427\"", "\"sessionId\":\"Golden Eagle 427\"", "\"sessionId\":\"\"",
                "\"sessionId\":42", ""));
        fields.add(pick(r, plain, "\"targetLanguage\":\"es\"", "\"targetLanguage\":\"\"", "\"targetLanguage\":\"e1\"",
                "\"targetLanguage\":null", ""));
        fields.add(pick(r, plain, "\"sourceLanguage\":\"en\"", "\"sourceLanguage\":\" \"", "\"sourceLanguage\":\"english!\"",
                "\"sourceLanguage\":7", ""));
        fields.add(pick(r, plain, "\"listenerCount\":" + r.nextInt(501), "\"listenerCount\":\"12\"", "\"listenerCount\":4294967297",
                "\"listenerCount\":-3", "\"listenerCount\":2.5", ""));
        fields.add(pick(r, plain, "\"qualityTier\":\"standard\"", "\"qualityTier\":\"\"", "\"qualityTier\":2", ""));
        fields.add(pick(r, plain, "\"sequenceNumber\":" + r.nextInt(1_000_000), "\"sequenceNumber\":-1", "\"sequenceNumber\":\"12\"",
                "\"sequenceNumber\":1.5", "\"sequenceNumber\":1e2", "\"sequenceNumber\":07", "\"sequenceNumber\":-",
                "\"sequenceNumber\":123456789012345678901", ""));
        fields.add(pick(r, plain, "\"timestamp\":" + r.nextLong() / 8, "\"timestamp\":0", "\"timestamp\":null", ""));
        fields.add(pick(r, plain, "\"serverTime\":" + r.nextInt(), "\"serverTime\":\"12\"", "\"serverTime\":1.5", ""));
        fields.add(pick(r, plain, "\"message\":\"Session ended by speaker\"", "\"message\":42", "\"message\":null", "\"message\":\"\"",
                "\"message\":\"caf\u00e9\"", ""));
        fields.add(pick(r, plain, "\"reason\":\"done\"", "\"reason\":7", "\"reason\":\"\"", "")); // beside a message, which wins
        fields.add(pick(r, plain, "\"connectionId\":\"abc\"", "\"connectionId\":5", "\"extra\":7", "\"extra\":{\"a\":1}", "\"extra\":[1]", "\"extra\":true",
                "\"extra\":\"tab\ttab\"", "\"\\u0074ype\":\"x\"", "", "", ""));
        if (!plain && r.nextInt(15) == 0) {
            fields.add(fields.get(r.nextInt(fields.size()))); // a duplicate
        }
        fields.removeIf(String::isEmpty);
        Collections.shuffle(fields, r);
        StringBuilder s = new StringBuilder(space(r)).append('{');
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i).replace("\":", "\"" + space(r) + ":" + space(r));
            s.append(space(r)).append(f).append(space(r)).append(i + 1 < fields.size() ? "," : "");
        }
        s.append('}').append(space(r));
        return switch (plain ? -1 : r.nextInt(30)) {
            case 0 -> s.substring(0, r.nextInt(s.length())); // cut short
            case 1 -> s + "}";
            default -> s.toString();
        };
    }

    private static String space(Random r) {
        return pick(r, false, "", "", "", "", " ", "\n\t ", "\r\n");
    }

    /** The first choice when {@code plain}, else any. */
    @SafeVarargs
    private static <T> T pick(Random r, boolean plain, T... choices) {
        return plain ? choices[0] : choices[r.nextInt(choices.length)];
    }

    /**
     * What decoding gives: the message, or the failure, with its reason when {@code withReason} (Jackson
     * words the same fault differently when it reads bytes and a String, so the reasons of frames the tree
     * reads are not compared).
     */
    private static Object outcome(ReaderCall call, boolean withReason) {
        try {
            return call.decode();
        } catch (MalformedFrameException e) {
            return withReason ? "malformed: " + e.getMessage() : "malformed";
        }
    }

    interface ReaderCall {
        ServerMessage decode() throws MalformedFrameException;
    }

    @Property(tries = 5_000)
    void agreesWithTheTreeOnEveryFrame(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) throws Exception {
        String text = frame(seed);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        boolean onePass = FlatFrameReader.read(utf8, 0, utf8.length) != null;
        assertThat(outcome(() -> ServerFrameReader.read(utf8, 0, utf8.length), onePass))
                .as(text)
                .isEqualTo(outcome(() -> ServerFrameReader.read(text), onePass));
    }

    @Test
    void theGeneratorTakesBothPaths() {
        int fast = 0;
        int fastOther = 0;
        int tree = 0;
        for (int seed = 0; seed < 2_000; seed++) {
            byte[] utf8 = frame(seed).getBytes(StandardCharsets.UTF_8);
            FlatFrameReader.Fields f = FlatFrameReader.read(utf8, 0, utf8.length);
            if (f == null) {
                tree++;
            } else if (f.kind().isAudio()) {
                fast++;
            } else {
                fastOther++;
            }
        }
        assertThat(fast).as("audio frames read in one pass").isGreaterThan(100);
        assertThat(fastOther).as("acknowledgements, ends and joins read in one pass").isGreaterThan(100);
        assertThat(tree).as("frames handed to the tree").isGreaterThan(100);
    }
}
