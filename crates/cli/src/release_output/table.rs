//! The two table layouts helm's release commands print: gosuri/uitable (history, list) and
//! Go's `text/tabwriter` as kubectl's printer configures it (status RESOURCES).

/// A gosuri/uitable table with helm's settings (`uitable.New()`): cells joined by a tab,
/// every cell (the last one too) padded with spaces to its column's display width, a cell
/// with line breaks spread over several lines; `output.EncodeTable` adds the final newline.
pub fn uitable(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            let w = cell.split('\n').map(display_width).max().unwrap_or(0);
            widths[i] = widths[i].max(w);
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for row in rows {
        let split: Vec<Vec<&str>> = row.iter().map(|c| c.split('\n').collect()).collect();
        let height = split.iter().map(Vec::len).max().unwrap_or(1);
        for line_no in 0..height {
            let cells: Vec<String> = split
                .iter()
                .enumerate()
                .map(|(col, parts)| {
                    pad_right(parts.get(line_no).copied().unwrap_or(""), widths[col])
                })
                .collect();
            lines.push(cells.join("\t"));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn pad_right(s: &str, width: usize) -> String {
    let w = display_width(s);
    let mut out = s.to_owned();
    for _ in w..width {
        out.push(' ');
    }
    out
}

/// The number of terminal columns `s` takes, as uitable measures it: colour escape
/// sequences (`ESC [ ... m`) take none, other characters as mattn/go-runewidth counts
/// them (the common cases: East Asian wide and fullwidth characters take two columns,
/// combining marks, zero-width characters and controls none).
pub fn display_width(s: &str) -> usize {
    let mut width = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip the escape sequence through its final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        width += char_width(c);
    }
    width
}

fn char_width(c: char) -> usize {
    let u = u32::from(c);
    let zero = u < 0x20
        || (0x7f..0xa0).contains(&u)
        || (0x300..=0x36f).contains(&u)
        || (0x200b..=0x200f).contains(&u)
        || (0xfe00..=0xfe0f).contains(&u);
    if zero {
        return 0;
    }
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115f),
        (0x2e80, 0x303e),
        (0x3041, 0x33ff),
        (0x3400, 0x4dbf),
        (0x4e00, 0x9fff),
        (0xa000, 0xa4cf),
        (0xac00, 0xd7a3),
        (0xf900, 0xfaff),
        (0xfe30, 0xfe4f),
        (0xff00, 0xff60),
        (0xffe0, 0xffe6),
        (0x1f300, 0x1f64f),
        (0x1f900, 0x1f9ff),
        (0x20000, 0x3fffd),
    ];
    if WIDE.iter().any(|&(lo, hi)| (lo..=hi).contains(&u)) {
        2
    } else {
        1
    }
}

/// Go's `text/tabwriter` with kubectl's settings (`printers.GetNewTabWriter`: minimum
/// width 6, padding 3, space padding, no flags) applied to `text`, one flush at the end.
///
/// Cells end at tabs; a line's last cell is not aligned. Consecutive lines that have a
/// cell in a column form a block whose width is its widest cell (in characters) plus the
/// padding. A line without tabs ends all blocks, as Go's writer flushes there.
pub fn tabwriter(text: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<Vec<&str>> = Vec::new();
    let mut lines: Vec<&str> = text.split('\n').collect();
    // The text after the last newline is an unterminated line (usually empty).
    let tail = lines.pop().unwrap_or("");
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let single = cells.len() == 1;
        pending.push(cells);
        if single {
            format_block(&mut out, &pending);
            pending.clear();
        }
    }
    format_block(&mut out, &pending);
    out.push_str(tail);
    out
}

const TAB_MIN_WIDTH: usize = 6;
const TAB_PADDING: usize = 3;

fn format_block(out: &mut String, lines: &[Vec<&str>]) {
    let mut widths: Vec<usize> = Vec::new();
    column_widths(lines, &mut widths, out);
}

/// Go's `Writer.format`: finds the column blocks of column `widths.len()` in `lines` and
/// writes the lines once all widths to their left are known.
fn column_widths(lines: &[Vec<&str>], widths: &mut Vec<usize>, out: &mut String) {
    let column = widths.len();
    let mut start = 0;
    let mut this = 0;
    while this < lines.len() {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(out, &lines[start..this], widths);
        start = this;
        let mut width = TAB_MIN_WIDTH;
        while this < lines.len() && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + TAB_PADDING);
            this += 1;
        }
        widths.push(width);
        column_widths(&lines[start..this], widths, out);
        widths.pop();
        start = this;
    }
    write_lines(out, &lines[start..], widths);
}

fn write_lines(out: &mut String, lines: &[Vec<&str>], widths: &[usize]) {
    for line in lines {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(&w) = widths.get(j) {
                for _ in cell.chars().count()..w {
                    out.push(' ');
                }
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uitable_pads_every_cell_and_splits_lines() {
        let rows = vec![
            vec!["\u{1b}[1mA\u{1b}[22m".to_owned(), "LONGER".to_owned()],
            vec!["wide 日本".to_owned(), "two\nlines".to_owned()],
        ];
        assert_eq!(
            uitable(&rows),
            "\u{1b}[1mA\u{1b}[22m        \tLONGER\nwide 日本\ttwo   \n         \tlines \n"
        );
    }

    #[test]
    fn tabwriter_blocks_end_at_lines_without_tabs() {
        let text = "NAME\tDATA\tAGE\nlonger-name\t1\t5s\nx\n\nA\tB\n";
        assert_eq!(
            tabwriter(text),
            "NAME          DATA   AGE\nlonger-name   1      5s\nx\n\nA     B\n"
        );
    }
}
