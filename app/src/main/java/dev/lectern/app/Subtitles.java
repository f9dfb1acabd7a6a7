package dev.lectern.app;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Writes subtitle cues as they come, each timed on the audio written: WebVTT ({@code .vtt}, W3C: a
 * {@code WEBVTT} header, {@code HH:MM:SS.mmm --> HH:MM:SS.mmm}) or SubRip ({@code .srt}: numbered cues,
 * {@code HH:MM:SS,mmm}). Flushed after each cue, so a file cut short is still readable.
 */
final class Subtitles implements AutoCloseable {
    private final Writer out;
    private final boolean vtt;
    private int cues;

    private Subtitles(Writer out, boolean vtt) throws IOException {
        this.out = out;
        this.vtt = vtt;
        if (vtt) {
            out.write("WEBVTT\n\n");
            out.flush();
        }
    }

    /** A writer for {@code file}, WebVTT or SRT by its ending; an existing file is replaced. */
    static Subtitles open(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".vtt") && !name.endsWith(".srt")) {
            throw new IllegalArgumentException("--subtitles must end in .vtt or .srt, was: " + file);
        }
        return new Subtitles(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), name.endsWith(".vtt"));
    }

    /** One cue from {@code startMillis} to {@code endMillis}. */
    synchronized void cue(long startMillis, long endMillis, String text) throws IOException {
        cues++;
        String clean = text.replace("\r", "").replace("-->", "->").strip();
        if (clean.isEmpty()) {
            clean = "...";
        }
        if (!vtt) {
            out.write(cues + "\n");
        }
        out.write(time(startMillis) + " --> " + time(Math.max(endMillis, startMillis + 1)) + "\n" + clean + "\n\n");
        out.flush();
    }

    int cues() {
        return cues;
    }

    private String time(long millis) {
        long h = millis / 3_600_000;
        long m = millis / 60_000 % 60;
        long s = millis / 1000 % 60;
        return String.format("%02d:%02d:%02d%s%03d", h, m, s, vtt ? "." : ",", millis % 1000);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
