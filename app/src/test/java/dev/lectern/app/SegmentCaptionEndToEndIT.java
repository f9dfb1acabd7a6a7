package dev.lectern.app;

import static dev.lectern.app.SpeakAndListenIT.listen;
import static dev.lectern.app.SpeakAndListenIT.pcm;
import static dev.lectern.app.SpeakAndListenIT.speak;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.app.SpeakAndListenIT.Running;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A talk (speech made with espeak-ng, src/test/resources/speech) spoken with {@code speak} through the
 * deployed flavor, heard by three {@code listen}s as translated MP3 segments written to WAV files with
 * WebVTT and SRT subtitles. Each WAV has the talk's length within one segment and matches it: cut into 3 s
 * windows, each window's energy envelope finds its best match in the talk's (a single global correlation
 * is meaningless once each segment's start shifts what follows), the median match at least 0.9 and the
 * matches in order; the subtitles hold every transcript in order, timed inside the audio written.
 */
class SegmentCaptionEndToEndIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int FRAME = 160; // 10 ms at 16 kHz
    static final Pattern VTT_CUE = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) --> (\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3})\\n(.+)\\n\\n");
    static final Pattern SRT_CUE = Pattern.compile("(\\d+)\\n(\\d{2}):(\\d{2}):(\\d{2}),(\\d{3}) --> (\\d{2}):(\\d{2}):(\\d{2}),(\\d{3})\\n(.+)\\n\\n");

    @TempDir
    Path dir;

    static double[] envelope(short[] samples) {
        double[] e = new double[samples.length / FRAME];
        for (int f = 0; f < e.length; f++) {
            double sum = 0;
            for (int i = f * FRAME; i < (f + 1) * FRAME; i++) {
                sum += (double) samples[i] * samples[i];
            }
            e[f] = Math.sqrt(sum / FRAME);
        }
        return e;
    }

    static double correlation(double[] a, int aFrom, double[] b, int bFrom, int n) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[aFrom + i];
            mb += b[bFrom + i];
        }
        ma /= n;
        mb /= n;
        double num = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aFrom + i] - ma;
            double y = b[bFrom + i] - mb;
            num += x * y;
            va += x * x;
            vb += y * y;
        }
        return va == 0 || vb == 0 ? 0 : num / Math.sqrt(va * vb);
    }

    static short[] samples(byte[] pcm) {
        short[] s = new short[pcm.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
        }
        return s;
    }

    /** Cue start and end times (ms) and texts of a WebVTT or SRT file, read strictly. */
    static List<Object[]> cues(Path file) throws Exception {
        String text = Files.readString(file);
        boolean vtt = file.toString().endsWith(".vtt");
        if (vtt) {
            assertThat(text).startsWith("WEBVTT\n\n");
            text = text.substring("WEBVTT\n\n".length());
        }
        Matcher m = (vtt ? VTT_CUE : SRT_CUE).matcher(text);
        List<Object[]> out = new ArrayList<>();
        int at = 0;
        int number = 1;
        while (m.find()) {
            assertThat(m.start()).as("nothing between cues").isEqualTo(at);
            int g = vtt ? 1 : 2;
            if (!vtt) {
                assertThat(Integer.parseInt(m.group(1))).as("SRT cues numbered from 1").isEqualTo(number++);
            }
            long start = millis(m, g);
            long end = millis(m, g + 4);
            out.add(new Object[] {start, end, m.group(g + 8)});
            at = m.end();
        }
        assertThat(at).as("the whole file is cues").isEqualTo(text.length());
        return out;
    }

    private static long millis(Matcher m, int g) {
        return Long.parseLong(m.group(g)) * 3_600_000 + Long.parseLong(m.group(g + 1)) * 60_000
                + Long.parseLong(m.group(g + 2)) * 1000 + Long.parseLong(m.group(g + 3));
    }

    @Test
    void threeListenersHearTheTalkAsSegmentsAndWriteItsCaptions() throws Exception {
        Path talk = dir.resolve("talk.wav");
        try (InputStream in = getClass().getResourceAsStream("/speech/talk.wav")) {
            Files.copy(in, talk);
        }
        short[] spoken = samples(pcm(talk));
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                .flavor(GatewaySettings.Flavor.DEPLOYED).build()).build()) {
            URI endpoint = gateway.start();
            Running speaker = Running.of(speak(Map.of("LECTERN_TOKEN", "alice")), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--input", talk.toString(), "--hold", "3s", "--json");
            String id = CompletableFuture.anyOf(speaker.out().session, speaker.exit()).thenApply(x -> speaker.out().session.getNow(null))
                    .get(30, TimeUnit.SECONDS);
            assertThat(id).as("speak printed its session; stderr: " + speaker.err()).isNotNull();
            String[][] listeners = {{"es", "es.vtt"}, {"de", "de.srt"}, {"es", "es2.vtt"}};
            List<Running> running = new ArrayList<>();
            for (String[] l : listeners) {
                running.add(Running.of(listen(), "--endpoint", endpoint.toString(), "--session", id, "--language", l[0],
                        "--output", dir.resolve(l[1] + ".wav").toString(), "--subtitles", dir.resolve(l[1]).toString(), "--json"));
            }
            assertThat(speaker.exitWithin(Duration.ofSeconds(60))).as(speaker.err().toString()).isZero();
            for (int k = 0; k < listeners.length; k++) {
                Running r = running.get(k);
                assertThat(r.exitWithin(Duration.ofSeconds(30))).as(r.out().text + "" + r.err()).isZero();
                JsonNode figures = JSON.readTree(r.out().lastLine());
                short[] heard = samples(pcm(dir.resolve(listeners[k][1] + ".wav")));
                double heardSeconds = heard.length / 16_000.0;
                double talkSeconds = spoken.length / 16_000.0;
                System.out.printf("listener %s: %.2f s heard of %.2f s, %s%n", listeners[k][1], heardSeconds, talkSeconds, figures);
                assertThat(heardSeconds).as("the talk's length within one segment (3 s)").isBetween(talkSeconds - 3.0, talkSeconds + 3.0);
                assertThat(figures.get("segmentGaps").asInt()).isZero();

                double[] heardEnvelope = envelope(heard);
                double[] talkEnvelope = envelope(spoken);
                int window = 300; // 3 s of 10 ms frames
                List<Double> best = new ArrayList<>();
                List<Integer> where = new ArrayList<>();
                for (int w = 0; w + window <= heardEnvelope.length; w += window) {
                    double top = -1;
                    int at = -1;
                    for (int shift = 0; shift + window <= talkEnvelope.length; shift++) {
                        double c = correlation(heardEnvelope, w, talkEnvelope, shift, window);
                        if (c > top) {
                            top = c;
                            at = shift;
                        }
                    }
                    best.add(top);
                    where.add(at);
                }
                double[] sorted = best.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double median = sorted[sorted.length / 2];
                System.out.printf("  3 s windows: best envelope matches %s at frames %s, median %.3f%n", best, where, median);
                assertThat(median).isGreaterThanOrEqualTo(0.9);
                assertThat(where).as("the windows match the talk in order").isSorted();

                List<Object[]> cues = cues(dir.resolve(listeners[k][1]));
                assertThat(cues).hasSize(figures.get("captions").asInt()).isNotEmpty();
                long last = -1;
                for (Object[] cue : cues) {
                    assertThat((long) cue[0]).as("in order").isGreaterThan(last).isLessThan((long) (heardSeconds * 1000));
                    last = (long) cue[0];
                    assertThat((String) cue[2]).startsWith("[" + listeners[k][0] + "]");
                }
            }
            assertThat(Arrays.stream(new String[] {"es.vtt", "es2.vtt"}).map(f -> {
                try {
                    return Files.readString(dir.resolve(f));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct()).as("both es listeners wrote the same cues").hasSize(1);
        }
    }
}
