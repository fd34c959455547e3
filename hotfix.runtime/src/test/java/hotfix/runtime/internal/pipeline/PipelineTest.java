package hotfix.runtime.internal.pipeline;

import static org.junit.Assert.assertThrows;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;

import org.junit.Test;

public class PipelineTest {

    @Test(timeout = 10_000)
    public void aServerThatNeverAnswersTimesOutInsteadOfHoldingThePipeline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accepting = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    // holds the connection open and says nothing, like a hung repository
                    accepted.getInputStream().read();
                } catch (Exception e) {
                    // the client gave up
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            URI source = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/fix.jar");

            assertThrows(SocketTimeoutException.class, () -> {
                try (InputStream in = Pipeline.open(source, 1000, 300)) {
                    in.readAllBytes();
                }
            });
        }
    }
}
