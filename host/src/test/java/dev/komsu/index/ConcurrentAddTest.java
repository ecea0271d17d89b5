package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The guard behind "add during search is refused (IllegalStateException), never a corrupt index";
 * every index type keeping that contract under racing adds is checked by {@code IndexTestCase}.
 */
class ConcurrentAddTest {
    @Test
    void theGuardRefusesAnAddDuringASearchAndASearchDuringAnAdd() {
        ConcurrencyGuard g = new ConcurrencyGuard();
        g.enterSearch();
        g.enterSearch();
        IllegalStateException e = assertThrows(IllegalStateException.class, g::enterAdd);
        assertTrue(e.getMessage().contains("add while 2 searches run"), e.getMessage());
        g.exitSearch();
        g.exitSearch();
        g.enterAdd();
        assertThrows(IllegalStateException.class, g::enterSearch);
        assertThrows(IllegalStateException.class, g::enterAdd);
        g.exitAdd();
        g.enterSearch(); // free again
        g.exitSearch();
    }
}
