package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The parameter channel alone, no model: the driver publishes {@code size} floats, a task thread fetches them and
 * uploads a gradient of the same size, {@code iterations} times over loopback; prints the medians of the fetch's
 * transfer, the upload, and the whole round trip. A/B of the channel's internals (docs/speed.md):
 *
 * <pre>java @conf/java-options -cp target/classes:target/test-classes:$(cat target/local-classpath.txt) \
 *     captioner.train.ChannelBench [SIZE (default 1,880,000: the cs231n LSTM)] [ITERATIONS (default 300)]</pre>
 */
public final class ChannelBench {
    private ChannelBench() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1_880_000;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        float[] params = new float[size];
        for (int i = 0; i < size; i++) {
            params[i] = (float) Math.sin(i);
        }
        long[] fetch = new long[iterations];
        long[] upload = new long[iterations];
        long[] round = new long[iterations];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double cpu;
        double wall;
        try (ParameterChannel channel = new ParameterChannel("127.0.0.1", "127.0.0.1", 0, 1, DType.FLOAT32, size)) {
            ParameterChannel.Address at = channel.address();
            Thread task = new Thread(() -> {
                Tensor g = Tensor.zeros(DType.FLOAT32, size);
                for (int k = 0; k < iterations; k++) {
                    ChannelClient.Fetched f = ChannelClient.fetch(at, k);
                    fetch[k] = f.transferNanos();
                    System.arraycopy((float[]) f.params(), 0, g.floatStorage(), 0, size);
                    long start = System.nanoTime();
                    ChannelClient.upload(at, k, new PartialGradient(0, 1, 1, 0, f.transferNanos(), g));
                    upload[k] = System.nanoTime() - start;
                }
            }, "task");
            task.start();
            long cpuHalf = 0;
            long wallHalf = 0;
            for (int k = 0; k < iterations; k++) {
                if (k == iterations / 2) {
                    cpuHalf = os.getProcessCpuTime();
                    wallHalf = System.nanoTime();
                }
                long start = System.nanoTime();
                params[0] = k;
                channel.publish(k, params);
                ParameterChannel.Uploads u = channel.awaitUploads(k, () -> { });
                Tensor g = u.parts()[0].gradient();
                if (g.floatStorage()[0] != k || g.floatStorage()[size - 1] != params[size - 1]) {
                    throw new AssertionError("iteration " + k + ": the gradient is not the parameters sent");
                }
                channel.recycle(List.of(g));
                round[k] = System.nanoTime() - start;
            }
            task.join();
            cpu = (os.getProcessCpuTime() - cpuHalf) / 1e6 / (iterations - iterations / 2);
            wall = (System.nanoTime() - wallHalf) / 1e6 / (iterations - iterations / 2);
        }
        double mb = size * 4 / 1e6;
        System.out.printf("%.1f MB, %d iterations (medians of the second half): fetch %.2f ms (%.0f MB/s), "
                        + "upload %.2f ms (%.0f MB/s), round trip %.2f ms; mean per iteration %.2f ms wall, %.2f ms CPU%n",
                mb, iterations, median(fetch), mb / median(fetch) * 1e3, median(upload), mb / median(upload) * 1e3,
                median(round), wall, cpu);
    }

    private static double median(long[] nanos) {
        long[] s = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
