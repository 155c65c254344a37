package org.replique.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.replique.engine.backend.Cancellation;

/** The link between an LSP answer and its work: {@code $/cancelRequest} must reach the work. */
class RequestsTest {

    @Test
    void cancellingTheFutureAHandlerReturnsCancelsTheWorkBehindIt() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Cancellation work = Requests.cancelledWith(answer);
        CompletableFuture<Integer> returned = Requests.mapped(answer, String::length);
        returned.cancel(true); // what LSP4J does on $/cancelRequest
        assertThat(answer.isCancelled()).isTrue();
        assertThat(work.isCancelled()).isTrue();
    }

    @Test
    void aMappedAnswerCompletesWithTheSourceAndCancelsNothing() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Cancellation work = Requests.cancelledWith(answer);
        CompletableFuture<Integer> returned = Requests.mapped(answer, String::length);
        answer.complete("réplique");
        assertThat(returned.join()).isEqualTo(8);
        assertThat(work.isCancelled()).isFalse();
    }
}
