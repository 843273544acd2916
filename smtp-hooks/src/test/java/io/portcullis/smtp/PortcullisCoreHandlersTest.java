package io.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.junit.jupiter.api.Test;

class PortcullisCoreHandlersTest {
    @Test
    void jamesCoreListWithTheWelcomeHandlerReplacedInPlace() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();
        List<String> ours = new PortcullisCoreHandlers().getHandlers();
        assertThat(core).contains(PortcullisCoreHandlers.WELCOME);
        assertThat(ours).doesNotContain(PortcullisCoreHandlers.WELCOME).hasSize(core.size());
        int i = core.indexOf(PortcullisCoreHandlers.WELCOME);
        assertThat(ours.get(i)).isEqualTo(PortcullisGreetingHandler.class.getName());
        for (int j = 0; j < core.size(); j++) {
            if (j != i) {
                assertThat(ours.get(j)).isEqualTo(core.get(j));
            }
        }
    }

    @Test
    void greetingHandlerIsAddedFirstWhenTheWelcomeHandlerIsMissing() {
        assertThat(PortcullisCoreHandlers.replaceWelcome(List.of("a.B", "c.D")))
                .containsExactly(PortcullisGreetingHandler.class.getName(), "a.B", "c.D");
    }
}
