import FTDModel
import FTDStore

/// A row's cells as byte ranges of one arena, and how they are laid out into lines
/// (`JobTableView`): the one-line and the two-line layouts.
extension JobTableView {
    struct Cells {
        /// Nil when the table has no ACCOUNT column.
        var account: Cell?
        var id, status, model, created, duration, steps, loss, cost, fineTuned: Cell
        /// The SGR code of the status's colour (`StatusStyle.sgr`); 0 for none.
        var statusColor: UInt8 = 0

        func appendLine(to out: inout TextBuffer, from arena: TextBuffer, _ w: Widths, color: Bool) {
            let start = out.count
            if let account {
                let shown = out.append(account, from: arena, elidingEndTo: w.account)
                out.spaces(w.account - shown)
                out.spaces(gap.count)
            }
            out.append(id, from: arena, padRight: w.id)
            out.spaces(gap.count)
            appendStatus(to: &out, from: arena, width: w.status, color: color)
            out.spaces(gap.count)
            let shownModel = out.append(model, from: arena, elidingEndTo: w.model)
            out.spaces(w.model - shownModel)
            out.spaces(gap.count)
            out.append(created, from: arena, padRight: w.created)
            out.spaces(gap.count)
            out.append(duration, from: arena, padLeft: w.duration)
            out.spaces(gap.count)
            out.append(steps, from: arena, padLeft: w.steps)
            out.spaces(gap.count)
            out.append(loss, from: arena, padRight: w.loss)
            out.spaces(gap.count)
            out.append(cost, from: arena, padLeft: w.cost)
            out.spaces(gap.count)
            out.append(fineTuned, from: arena, elidingMiddleTo: w.fineTuned)
            out.endLine(from: start)
        }

        func appendFirstLine(to out: inout TextBuffer, from arena: TextBuffer, _ w: Widths, color: Bool) {
            let start = out.count
            out.append(id, from: arena, padRight: w.id)
            out.spaces(w.separator.count)
            appendStatus(to: &out, from: arena, width: w.status, color: color)
            out.spaces(w.separator.count)
            out.append(created, from: arena, padRight: w.created)
            out.spaces(w.separator.count)
            out.append(duration, from: arena, padLeft: w.duration)
            out.spaces(w.separator.count)
            out.append(steps, from: arena, padLeft: w.steps)
            out.spaces(w.separator.count)
            out.append(loss, from: arena)
            out.endLine(from: start)
        }

        /// The cost, then the model and fine-tuned model, after the account when the table
        /// shows it.
        func appendSecondLine(
            to out: inout TextBuffer, from arena: TextBuffer, width: Int, accountWidth: Int = 0,
            costWidth: Int
        ) {
            let start = out.count
            out.append("  ")
            if let account {
                let shown = out.append(account, from: arena, elidingEndTo: accountWidth)
                out.spaces(accountWidth - shown)
                out.spaces(gap.count)
            }
            out.append(cost, from: arena, padLeft: costWidth)
            out.spaces(gap.count)
            let available =
                width - 2 - (account == nil ? 0 : accountWidth + gap.count) - costWidth - gap.count
            if arena.isDash(fineTuned) {
                out.append(model, from: arena, elidingEndTo: available)
                return out.endLine(from: start)
            }
            let arrow = " → "
            let arrowWidth = 3
            let modelWidth = min(
                Int(model.width), max(minModelWidth, available - arrowWidth - Int(fineTuned.width)))
            let shownModel = out.append(model, from: arena, elidingEndTo: modelWidth)
            let rest = available - shownModel - arrowWidth
            out.append(arrow)
            out.append(fineTuned, from: arena, elidingMiddleTo: max(rest, 1))
            out.endLine(from: start)
        }

        private func appendStatus(to out: inout TextBuffer, from arena: TextBuffer, width: Int, color: Bool) {
            guard color, statusColor != 0 else {
                let shown = out.append(self.status, from: arena, elidingEndTo: width)
                return out.spaces(width - shown)
            }
            out.append("\u{1B}[")
            TerminalText.appendDecimal(Int64(statusColor), to: &out.bytes)
            out.append("m")
            let shown = out.append(self.status, from: arena, elidingEndTo: width)
            out.spaces(width - shown)
            out.append("\u{1B}[0m")
        }
    }

    struct Widths {
        /// 0 without an ACCOUNT column.
        var account = 0
        var id, status, model, created, duration, steps, loss, cost, fineTuned: Int
        var separator = gap
        /// Account names are at most 32 characters (SPEC section 8); a longer one, from a
        /// database written by something else, is cut rather than widen every row.
        static let maxAccountWidth = 32

        /// Every column 0 wide, until `widen(toFit:)`.
        init() {
            (id, status, model, created, duration, steps, loss, cost, fineTuned) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        }

        mutating func widen(toFit row: Cells) {
            if let name = row.account {
                account = min(max(account, Int(name.width)), Self.maxAccountWidth)
            }
            id = max(id, Int(row.id.width))
            status = max(status, Int(row.status.width))
            model = max(model, Int(row.model.width))
            created = max(created, Int(row.created.width))
            duration = max(duration, Int(row.duration.width))
            steps = max(steps, Int(row.steps.width))
            loss = max(loss, Int(row.loss.width))
            cost = max(cost, Int(row.cost.width))
            fineTuned = max(fineTuned, Int(row.fineTuned.width))
        }

        /// Every column on one line, the model columns shrunk if need be, or nil.
        func singleLine(fitting width: Int) -> Widths? {
            let accountColumn = account > 0 ? account + gap.count : 0
            let fixed = accountColumn + id + status + created + duration + steps + loss + cost + 8 * gap.count
            let available = width - fixed
            if available >= model + fineTuned { return self }
            guard available >= minModelWidth + minFineTunedWidth else { return nil }
            var layout = self
            let fineTunedWanted = min(fineTuned, available - minModelWidth)
            layout.model = min(model, available - fineTunedWanted)
            layout.fineTuned = available - layout.model
            return layout
        }

        /// The first line of the two-line layout, tightened until it fits if it can.
        func twoLine(fitting width: Int) -> Widths {
            var layout = self
            let cells = id + status + created + duration + steps + loss
            if cells + 5 * gap.count > width { layout.separator = " " }
            let overflow = cells + 5 * layout.separator.count - width
            if overflow > 0 { layout.status = max(4, status - overflow) }
            return layout
        }
    }
}
