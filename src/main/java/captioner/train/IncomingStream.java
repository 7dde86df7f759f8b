package captioner.train;

import org.apache.spark.network.client.StreamCallbackWithID;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A stream arriving at one of our servers ({@link ParameterChannel}, {@link PeerServer}, {@link ShardCoordinator}):
 * its chunks go to {@code data} as they arrive, {@code complete} runs at its end (throwing there fails the sender's
 * upload), {@code failed} when the stream breaks.
 */
final class IncomingStream implements StreamCallbackWithID {
    private final String id;
    private final Consumer<ByteBuffer> data;
    private final Runnable complete;
    private final Consumer<Throwable> failed;

    IncomingStream(String id, Consumer<ByteBuffer> data, Runnable complete, Consumer<Throwable> failed) {
        this.id = id;
        this.data = data;
        this.complete = complete;
        this.failed = failed;
    }

    @Override
    public String getID() {
        return id;
    }

    @Override
    public void onData(String streamId, ByteBuffer chunk) {
        data.accept(chunk);
    }

    @Override
    public void onComplete(String streamId) {
        complete.run();
    }

    @Override
    public void onFailure(String streamId, Throwable cause) {
        failed.accept(cause);
    }
}
