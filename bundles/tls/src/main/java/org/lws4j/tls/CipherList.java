package org.lws4j.tls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Set;

import org.lws4j.tls.CipherTable.Suite;

/**
 * An OpenSSL cipher string ({@code ECDHE-ECDSA-AES128-GCM-SHA256:HIGH:!aNULL:+SHA1}) evaluated as
 * OpenSSL 3 evaluates it, over the suites of a {@link CipherTable}:
 *
 * <ul>
 * <li>elements are separated by {@code :}, {@code ,}, {@code ;} or spaces; each is a suite name
 *     (OpenSSL's, or the IANA name as an extension) or an alias, or several joined by {@code +}
 *     (all of them: {@code ECDHE+AESGCM});
 * <li>a bare element adds the suites it selects that are not in the list yet, at the end, in
 *     OpenSSL's preference order; {@code -} takes them out (a later element may add them again,
 *     and they come first when it does); {@code !} takes them out for good; {@code +} moves those
 *     in the list to its end;
 * <li>{@code DEFAULT} at the very start stands for {@code ALL:!COMPLEMENTOFDEFAULT:!eNULL};
 *     {@code @STRENGTH} and {@code @SECLEVEL=n} are ignored with a note (the JSSE provider has its
 *     own security constraints); any other {@code @} command is an error, as in OpenSSL;
 * <li>an unknown name makes its element select nothing (OpenSSL ignores it silently; we note it),
 *     and TLS 1.3 suite names are ignored with a note: as in OpenSSL, a cipher list never touches
 *     TLS 1.3 suites ({@code tls13-ciphers} does).
 * </ul>
 *
 * <p>Not thread-safe; one instance evaluates one string.
 */
final class CipherList {
    /** Something the string asked for that was ignored; {@code warning} when it likely shrinks the list. */
    record Note(boolean warning, String text) {
    }

    /** The evaluation: the suites selected, in order, and what was ignored. */
    record Result(List<Suite> suites, List<Note> notes) {
    }

    /** A string OpenSSL itself rejects as a whole (an unknown {@code @} command, a stray character). */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    private static final String DEFAULT_RULE = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

    private enum Op { ADD, DEL, ORD, KILL }

    private static final class Node {
        final Suite suite;
        boolean active;

        Node(Suite suite) {
            this.suite = suite;
        }
    }

    private final CipherTable table;
    private final LinkedList<Node> list = new LinkedList<>();
    private final List<Note> notes = new ArrayList<>();

    private CipherList(CipherTable table) {
        this.table = table;
        for (Suite s : table.suites()) {
            list.add(new Node(s));
        }
    }

    /** Evaluates {@code rule} over {@code table}. */
    static Result evaluate(String rule, CipherTable table) throws SyntaxException {
        CipherList c = new CipherList(table);
        String rest = rule.trim();
        if (rest.startsWith("DEFAULT")) {
            c.process(DEFAULT_RULE);
            rest = rest.substring(7);
            if (rest.startsWith(":")) {
                rest = rest.substring(1);
            }
        }
        c.process(rest);
        List<Suite> out = new ArrayList<>();
        for (Node n : c.list) {
            if (n.active) {
                out.add(n.suite);
            }
        }
        return new Result(List.copyOf(out), List.copyOf(c.notes));
    }

    private void process(String rule) throws SyntaxException {
        int i = 0;
        int len = rule.length();
        while (i < len) {
            char ch = rule.charAt(i);
            if (isSeparator(ch)) {
                i++;
                continue;
            }
            Op op = Op.ADD;
            boolean special = false;
            if (ch == '-') {
                op = Op.DEL;
                i++;
            } else if (ch == '+') {
                op = Op.ORD;
                i++;
            } else if (ch == '!') {
                op = Op.KILL;
                i++;
            } else if (ch == '@') {
                special = true;
                i++;
            }
            // a run of names joined by '+'; like OpenSSL, the next element may follow without a separator
            int end = i;
            while (end < len && (isNameChar(rule.charAt(end)) || rule.charAt(end) == '+' && end > i)) {
                end++;
            }
            if (end == i) {
                throw new SyntaxException(i < len ? "'" + rule.charAt(i) + "' is not allowed in a cipher string"
                        : "'" + ch + "' at the end is not followed by a name");
            }
            String element = rule.substring(i, end);
            i = end;
            if (special) {
                special("@" + element);
                continue;
            }
            Set<Suite> selected = select(element, op);
            if (selected != null) {
                apply(op, selected);
            }
        }
    }

    private void special(String command) throws SyntaxException {
        if (command.equals("@STRENGTH")) {
            notes.add(new Note(false, "@STRENGTH is ignored: the list keeps its order"));
        } else if (command.startsWith("@SECLEVEL=")) {
            notes.add(new Note(false, command + " is ignored: the JSSE provider applies the JDK's own"
                    + " security constraints (jdk.tls.disabledAlgorithms)"));
        } else {
            throw new SyntaxException("unknown command " + command + " (OpenSSL knows @STRENGTH and @SECLEVEL=n)");
        }
    }

    /** The suites all parts of {@code element} select; null when a part is unknown (the element is skipped). */
    private Set<Suite> select(String element, Op op) {
        Set<Suite> result = null;
        for (String part : element.split("\\+", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            Set<Suite> s = new HashSet<>();
            Suite one = table.suite(part);
            if (one != null) {
                s.add(one);
            } else if (table.isAlias(part)) {
                for (Suite x : table.suites()) {
                    if (x.aliases().contains(part)) {
                        s.add(x);
                    }
                }
            } else if (CipherTable.TLS13.contains(part)) {
                notes.add(new Note(op == Op.ADD, part + " is a TLS 1.3 suite: a cipher list does not select TLS 1.3"
                        + " suites (tls13-ciphers does); ignored"));
                return null;
            } else {
                // removing what does not exist changes nothing (lws's own default list says !EXPORT)
                notes.add(new Note(op == Op.ADD || op == Op.ORD, "\"" + part + "\" is not a cipher suite or alias "
                        + "OpenSSL knows; \"" + prefix(op) + element + "\" ignored"));
                return null;
            }
            if (result == null) {
                result = s;
            } else {
                result.retainAll(s);
            }
        }
        return result == null ? Set.of() : result;
    }

    private static String prefix(Op op) {
        switch (op) {
            case DEL:
                return "-";
            case ORD:
                return "+";
            case KILL:
                return "!";
            default:
                return "";
        }
    }

    /** OpenSSL's rule application on its linked list of suites, step for step. */
    private void apply(Op op, Set<Suite> selected) {
        switch (op) {
            case ADD: {
                List<Node> moved = new ArrayList<>();
                for (var it = list.iterator(); it.hasNext(); ) {
                    Node n = it.next();
                    if (!n.active && selected.contains(n.suite)) {
                        it.remove();
                        moved.add(n);
                    }
                }
                for (Node n : moved) {
                    n.active = true;
                    list.addLast(n);
                }
                break;
            }
            case ORD: {
                List<Node> moved = new ArrayList<>();
                for (var it = list.iterator(); it.hasNext(); ) {
                    Node n = it.next();
                    if (n.active && selected.contains(n.suite)) {
                        it.remove();
                        moved.add(n);
                    }
                }
                list.addAll(moved);
                break;
            }
            case DEL: {
                // deleted suites go to the head, in order: the best places when added again
                List<Node> moved = new ArrayList<>();
                for (var it = list.iterator(); it.hasNext(); ) {
                    Node n = it.next();
                    if (n.active && selected.contains(n.suite)) {
                        it.remove();
                        n.active = false;
                        moved.add(n);
                    }
                }
                ListIterator<Node> head = list.listIterator();
                for (Node n : moved) {
                    head.add(n);
                }
                break;
            }
            case KILL:
            default:
                list.removeIf(n -> selected.contains(n.suite));
                break;
        }
    }

    private static boolean isSeparator(char c) {
        return c == ':' || c == ' ' || c == ',' || c == ';';
    }

    private static boolean isNameChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '=';
    }
}
