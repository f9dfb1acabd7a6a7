package dev.lectern.mp3;

import dev.lectern.port.AudioDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.AudioBuffer;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp3.MPEGAudioDemuxer;

/**
 * {@link AudioDecoder} for MP3 (MPEG-1, 2 and 2.5 Layer III) over JCodec's decoder: mono, or the left channel
 * of stereo. The decoder's own delay (529 samples) is always removed; where the first frame is a Xing/Info
 * frame with a LAME tag, that frame and the encoder's delay and padding are removed too, so that segments
 * play back to back without a click of silence or a drift between them. Stateless; safe to share.
 *
 * <p>Bytes that hold no MP3 frame, or frames the decoder cannot read (what the deployed service sends when
 * its speech synthesis fails), are an {@link UndecodableAudioException}, never a crash.
 */
public final class Mp3Decoder implements AudioDecoder {
    /** Larger input is refused: a translated segment is a few seconds, tens of kilobytes. */
    public static final int MAX_INPUT_BYTES = 8 * 1024 * 1024;

    @Override
    public Decoded decode(byte[] data) throws UndecodableAudioException {
        if (data == null || data.length == 0) {
            throw new UndecodableAudioException("no bytes");
        }
        if (data.length > MAX_INPUT_BYTES) {
            throw new UndecodableAudioException(data.length + " bytes, over the limit of " + MAX_INPUT_BYTES);
        }
        Mp3Frames.Head head = Mp3Frames.head(data);
        if (head == null || head.sampleRate() == 0) {
            throw new UndecodableAudioException("no MP3 frame in " + data.length + " bytes");
        }
        short[] all;
        int channels;
        int[] firstFrameSamples = new int[1];
        try {
            int[] channelCount = new int[1];
            all = decodeAll(ByteBuffer.wrap(data, head.firstFrameOffset(), data.length - head.firstFrameOffset()),
                    channelCount, firstFrameSamples);
            channels = channelCount[0];
        } catch (IOException | RuntimeException e) {
            throw new UndecodableAudioException("the MP3 decoder failed: " + e);
        }
        if (all.length == 0) {
            throw new UndecodableAudioException("no audio in " + data.length + " bytes");
        }
        short[] mono = channels <= 1 ? all : left(all, channels);
        return new Decoded(trim(mono, head, firstFrameSamples[0] / Math.max(1, channels)), head.sampleRate());
    }

    private static short[] decodeAll(ByteBuffer input, int[] channels, int[] firstFrameSamples) throws IOException {
        MPEGAudioDemuxer demuxer = new MPEGAudioDemuxer(new ByteBufferSeekableByteChannel(input, input.remaining()));
        org.jcodec.codecs.mpa.Mp3Decoder decoder = new org.jcodec.codecs.mpa.Mp3Decoder();
        ByteBuffer frameOut = ByteBuffer.allocate(1152 * 2 * 2 * 2);
        short[] out = new short[64 * 1024];
        int n = 0;
        boolean first = true;
        Packet packet;
        while ((packet = demuxer.nextFrame()) != null) {
            frameOut.clear();
            AudioBuffer decoded = decoder.decodeFrame(packet.getData(), frameOut);
            if (first) {
                channels[0] = decoded.getFormat() != null ? decoded.getFormat().getChannels() : 1;
            }
            // the decoder writes little-endian samples; a view of its own, for the decoder writes into that buffer again
            ShortBuffer samples = decoded.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            int count = samples.remaining();
            if (first) {
                firstFrameSamples[0] = count;
                first = false;
            }
            if (n + count > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + count));
            }
            samples.get(out, n, count);
            n += count;
        }
        return Arrays.copyOf(out, n);
    }

    private static short[] left(short[] interleaved, int channels) {
        short[] mono = new short[interleaved.length / channels];
        for (int i = 0; i < mono.length; i++) {
            mono[i] = interleaved[i * channels];
        }
        return mono;
    }

    /** Removes the tag frame, the encoder's delay and the decoder's, and the padding, as far as the stream states them. */
    private static short[] trim(short[] samples, Mp3Frames.Head head, int firstFrameSamples) {
        int start = Mp3Frames.DECODER_DELAY;
        int end = samples.length;
        if (head.tagFrame()) {
            start += firstFrameSamples;
        }
        if (head.delay() >= 0) {
            start += head.delay();
            int padding = head.padding() - Mp3Frames.DECODER_DELAY;
            end = samples.length - Math.max(0, padding);
        }
        if (start >= end) {
            return new short[0];
        }
        return Arrays.copyOfRange(samples, start, end);
    }
}
