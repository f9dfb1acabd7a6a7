package dev.lectern.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What one WebSocket frame per listener costs the operating system on this machine, with no WebSocket
 * library and no JVM work to speak of: N loopback TCP connections in one process, a writer thread that
 * every 100 ms writes one frame of the size of a 100 ms audio frame (the bytes a gateway sends a listener)
 * to each connection, and a reader thread that reads them on a selector, as a client's selector thread
 * does. Each thread's CPU (user and system, from {@link ThreadMXBean}) divided by the frames it moved is the
 * floor under the gateway's and the client's CPU per frame: on loopback the writer's system call also runs
 * the receiving side's TCP, so the writer's system time is what any gateway that writes each listener its
 * own frame pays here, whatever it is written in.
 *
 * <p>A measuring tool, not a test. Usage: {@code java -cp lectern-bench.jar dev.lectern.bench.LoopbackFloor
 * [CONNECTIONS=1000] [SECONDS=20] [FRAME_BYTES=4400] [RATE=10]}. Prints the figures for the whole run and
 * for its second half.
 */
public final class LoopbackFloor {

    private LoopbackFloor() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int frameBytes = args.length > 2 ? Integer.parseInt(args[2]) : 4400;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 10;

        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), n);
        List<SocketChannel> writers = new ArrayList<>(n);
        List<SocketChannel> readers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            SocketChannel accepted = server.accept();
            accepted.configureBlocking(false);
            accepted.socket().setTcpNoDelay(true); // as Jetty sets it
            client.configureBlocking(false);
            client.socket().setTcpNoDelay(true);
            writers.add(accepted);
            readers.add(client);
        }
        // a frame as a gateway writes it: a 4-byte WebSocket header and JSON text with 4.3 KB of base64
        ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
        for (int i = 0; i < frameBytes; i++) {
            frame.put((byte) ('A' + i % 26));
        }
        frame.flip();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicLong read = new AtomicLong();
        long[] readerCpu = new long[4]; // cpu, user at half time; cpu, user at the end
        long[] writerCpu = new long[4];
        long expectedBytes = (long) n * rate * seconds * frameBytes;
        Thread reader = new Thread(() -> readAll(readers, read, expectedBytes, threads, readerCpu), "floor-reader");
        reader.start();

        long written = 0;
        long shortWrites = 0;
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long next = System.nanoTime();
        int rounds = rate * seconds;
        for (int round = 0; round < rounds; round++) {
            if (round == rounds / 2) {
                writerCpu[0] = threads.getCurrentThreadCpuTime();
                writerCpu[1] = threads.getCurrentThreadUserTime();
            }
            for (SocketChannel w : writers) {
                ByteBuffer b = frame.duplicate();
                w.write(b);
                if (b.hasRemaining()) {
                    shortWrites++; // the socket's buffer is full: finish it now, as a gateway would later
                    while (b.hasRemaining()) {
                        w.write(b);
                    }
                }
                written++;
            }
            next += period;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        writerCpu[2] = threads.getCurrentThreadCpuTime();
        writerCpu[3] = threads.getCurrentThreadUserTime();
        reader.join(TimeUnit.SECONDS.toMillis(30));

        long half = written - (long) n * (rounds / 2);
        System.out.printf("loopback floor: %d connections, %d frames of %d bytes written, %d bytes read, %d short writes%n",
                n, written, frameBytes, read.get(), shortWrites);
        print("writer (a gateway's writes)", writerCpu, written, half);
        print("reader (a client's reads)", readerCpu, written, half);
        for (SocketChannel c : writers) {
            c.close();
        }
        for (SocketChannel c : readers) {
            c.close();
        }
        server.close();
    }

    private static void print(String who, long[] cpu, long frames, long halfFrames) {
        double all = cpu[2] / 1e3 / frames;
        double allSys = (cpu[2] - cpu[3]) / 1e3 / frames;
        double second = (cpu[2] - cpu[0]) / 1e3 / halfFrames;
        double secondSys = ((cpu[2] - cpu[3]) - (cpu[0] - cpu[1])) / 1e3 / halfFrames;
        System.out.printf("  %-28s whole run %.1f us per frame (system %.1f); second half %.1f us (system %.1f)%n",
                who, all, allSys, second, secondSys);
    }

    private static void readAll(List<SocketChannel> channels, AtomicLong read, long expected, ThreadMXBean threads, long[] cpu) {
        try (Selector selector = Selector.open()) {
            for (SocketChannel c : channels) {
                c.register(selector, SelectionKey.OP_READ);
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(40 * 1024); // the client's read buffer
            boolean halfTaken = false;
            while (read.get() < expected) {
                if (selector.select(1000) == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) key.channel();
                    int got;
                    while ((got = c.read(buffer.clear())) > 0) {
                        read.addAndGet(got);
                    }
                }
                selector.selectedKeys().clear();
                if (!halfTaken && read.get() >= expected / 2) {
                    halfTaken = true;
                    cpu[0] = threads.getCurrentThreadCpuTime();
                    cpu[1] = threads.getCurrentThreadUserTime();
                }
            }
            cpu[2] = threads.getCurrentThreadCpuTime();
            cpu[3] = threads.getCurrentThreadUserTime();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
