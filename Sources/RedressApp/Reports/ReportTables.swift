import Foundation
import RedressPersistence
import RedressCore

/// A table of a report as the panel shows it and as its CSV download holds it: the same header and cells, so the
/// page, the screen-reader table beside each chart and the spreadsheet never disagree.
package struct ReportTable {
    package var id: String
    package var section: String
    package var title: String
    package var header: [String]
    package var rows: [[String]]
    /// A server-rendered SVG chart of the same figures, when the table has one.
    package var chart: String?

    package var csv: String { CSVWriter.document(header: header, rows: rows) }

    /// The file name of the CSV download of this table for `period`.
    package func filename(_ period: ReportPeriod) -> String { "redress-\(id)-\(period.from)-\(period.to).csv" }
}

extension ReportService {
    /// The report tables of the period in `t`'s language; with `only`, just the half of the data that table needs.
    package func tables(_ t: Localization, shop: ShopRecord, period: ReportPeriod, only id: String? = nil) async throws
        -> [ReportTable]
    {
        let needsMediation = id.map { ReportTables.mediationTableIDs.contains($0) } ?? true
        let needsComplaints = id.map { !ReportTables.mediationTableIDs.contains($0) } ?? true
        // Both halves at once: one decodes rows while the database answers the other.
        async let complaintData = needsComplaints ? complaints(shop: shop, period: period) : nil
        async let mediationData = needsMediation ? mediation(shop: shop, period: period) : nil
        let (complaints, mediation) = try await (complaintData, mediationData)
        let trend = mediation.map { mediationRows(mediation: $0, grouping: ReportTables.trendGrouping(period)) }
        return ReportTables(t: t, complaints: complaints, mediation: mediation, mediationTrend: trend ?? [],
                            staffNames: try await staffNames(shop: shop.shopID)).all
    }
}

/// Builds every report table of a period from the complaint and mediation reports, in the panel's language.
package struct ReportTables {
    package let t: Localization
    /// Either half may be left out (a CSV download needs one table only).
    package let complaints: ReportService.Complaints?
    package let mediation: ReportService.Mediation?
    package let mediationTrend: [MediationReport.GroupRow]
    package let staffNames: [String: String]

    /// The tables built from the mediation half; the others come from the complaint half.
    package static let mediationTableIDs: Set<String> = ["mediation-summary", "stars", "publication", "mediation-trend",
                                                 "team-dialogs"]

    package static let dash = "—"

    /// The trend's unit: days for a month, weeks up to four months, months beyond.
    package static func trendGrouping(_ period: ReportPeriod) -> ReportPeriod.Grouping {
        period.days <= 31 ? .day : period.days <= 124 ? .week : .month
    }

    package static func number(_ value: Double?) -> String {
        guard let value else { return dash }
        return String(format: "%.1f", value)
    }

    package static func percent(_ share: Share) -> String { number(share.percent) }

    /// Every table of the halves given, in the page's order within each section.
    package var all: [ReportTable] {
        var tables: [ReportTable] = []
        if let complaints {
            let report = complaints.report
            tables += [
                complaintSummary(complaints), answeredDay(complaints), monthly(complaints), trend(complaints),
                breakdown("categories", "rp_by_category", "rp_category", report.byCategory, prefix: "cat_"),
                breakdown("claim-types", "rp_by_claim_type", "rp_claim_type", report.byClaimType, prefix: "claim_"),
                breakdown("products", "rp_by_product", "rp_product", report.byProduct, prefix: nil),
                remedies(complaints), teamComplaints(complaints),
            ]
        }
        if let mediation {
            tables += [mediationSummary(mediation), stars(mediation), publication(mediation),
                       mediationTrendTable(mediation), teamDialogs(mediation)]
        }
        return tables
    }

    private func translated(_ key: String, prefix: String?) -> String {
        guard let prefix else { return key }
        let text = t(prefix + key)
        return text == prefix + key ? key : text
    }

    private func complaintSummary(_ complaints: ReportService.Complaints) -> ReportTable {
        let now = complaints.report, before = complaints.previous
        func row(_ key: String, _ value: (ComplaintReport) -> String) -> [String] { [t(key), value(now), value(before)] }
        return ReportTable(id: "complaints-summary", section: "complaints", title: t("rp_complaints"),
                           header: [t("rp_metric"), t("rp_this"), t("rp_previous")], rows: [
            row("rp_received") { String($0.received) },
            row("rp_fr_median") { Self.number($0.firstResponse.calendarHours.median) },
            row("rp_fr_p90") { Self.number($0.firstResponse.calendarHours.p90) },
            row("rp_fr_median_b") { Self.number($0.firstResponse.businessHours.median) },
            row("rp_fr_p90_b") { Self.number($0.firstResponse.businessHours.p90) },
            row("rp_res_median") { Self.number($0.resolution.calendarHours.median) },
            row("rp_res_p90") { Self.number($0.resolution.calendarHours.p90) },
            row("rp_res_median_b") { Self.number($0.resolution.businessHours.median) },
            row("rp_res_p90_b") { Self.number($0.resolution.businessHours.p90) },
            row("rp_accepted") { Self.percent($0.outcomes.accepted) },
            row("rp_partial") { Self.percent($0.outcomes.partiallyAccepted) },
            row("rp_rejected") { Self.percent($0.outcomes.rejected) },
            row("rp_deemed") { String($0.answering.deemedAccepted) },
            row("rp_fcr") { Self.percent($0.firstContactResolution) },
            row("rp_reopen") { Self.percent($0.reopened) },
            row("rp_repeat_customers") { $0.repeats.map { String($0.customers) } ?? Self.dash },
            row("rp_repeat_lines") { $0.repeats.map { String($0.orderLines) } ?? Self.dash },
            row("rp_refunds") { String($0.refunds.decided) },
            row("rp_refunds_overdue") { String($0.refunds.overdue) },
            row("rp_survey_avg") { Self.number($0.survey.average) },
            row("rp_survey_rate") { Self.percent($0.survey.responses) },
        ])
    }

    private func answeredDay(_ complaints: ReportService.Complaints) -> ReportTable {
        let answering = complaints.report.answering
        var rows = answering.days.map { [t("rp_day_n", ["n": String($0.day)]), String($0.count)] }
        rows.append([t("rp_late"), String(answering.late)])
        rows.append([t("rp_deemed"), String(answering.deemedAccepted)])
        return barTable("answered-day", section: "complaints", title: t("rp_answer_day"),
                        description: t("rp_answer_day_desc", ["term": String(answering.term),
                                                              "deemed": String(answering.deemedAccepted)]),
                        header: [t("rp_day"), t("rp_answers")], rows: rows)
    }

    private func monthly(_ complaints: ReportService.Complaints) -> ReportTable {
        let rows = ComplaintReport.rows(complaints.rollup, buckets: complaints.period.buckets(.month),
                                        timeZone: complaints.period.timeZone).map { row in
            [row.key, Self.number(row.averageFirstResponseHours), Self.percent(row.firstContactResolution),
             Self.percent(row.satisfied), String(row.received), String(row.deemedAccepted)]
        }
        return ReportTable(id: "monthly", section: "complaints", title: t("rp_monthly"), header: [
            t("rp_month"), t("rp_avg_response"), t("rp_fcr_pct"), t("rp_satisfaction_pct"), t("rp_count"), t("rp_deemed"),
        ], rows: rows)
    }

    private func trend(_ complaints: ReportService.Complaints) -> ReportTable {
        let grouping = Self.trendGrouping(complaints.period)
        let rows = ComplaintReport.rows(complaints.rollup, buckets: complaints.period.buckets(grouping),
                                        timeZone: complaints.period.timeZone)
        let title = t("rp_trend")
        return ReportTable(
            id: "complaints-trend", section: "complaints", title: title,
            header: [t("rp_when"), t("rp_count"), t("rp_deemed")],
            rows: rows.map { [$0.key, String($0.received), String($0.deemedAccepted)] },
            chart: SVGChart.lines(
                id: "chart-complaints-trend", title: title, description: t("rp_trend_desc", ["unit": t("rp_unit_" + grouping.rawValue)]),
                labels: Self.sparseLabels(rows.map(\.key)),
                series: [SVGChart.Series(name: t("rp_count"), points: rows.map { Double($0.received) }),
                         SVGChart.Series(name: t("rp_deemed"), points: rows.map { Double($0.deemedAccepted) })]))
    }

    /// At most about eight axis labels, the others left blank so they do not overlap (the table has them all).
    package static func sparseLabels(_ labels: [String]) -> [String] {
        let step = max(1, Int((Double(labels.count) / 8).rounded(.up)))
        return labels.enumerated().map { $0.offset % step == 0 ? $0.element : "" }
    }

    private func breakdown(_ id: String, _ title: String, _ column: String, _ rows: [BreakdownRow], prefix: String?)
        -> ReportTable
    {
        barTable(id, section: "complaints", title: t(title), header: [t(column), t("rp_count")],
                 rows: rows.map { [translated($0.label, prefix: prefix), String($0.count)] })
    }

    /// A two-column table (label, count) with a bar chart of its first rows beside it.
    private func barTable(_ id: String, section: String, title: String, description: String? = nil, header: [String],
                          rows: [[String]]) -> ReportTable {
        ReportTable(id: id, section: section, title: title, header: header, rows: rows,
                    chart: rows.isEmpty ? nil : SVGChart.bars(
                        id: "chart-" + id, title: title, description: description ?? title,
                        bars: rows.prefix(20).map { SVGChart.Bar(label: $0[0], value: Double($0[1]) ?? 0) }))
    }

    private func remedies(_ complaints: ReportService.Complaints) -> ReportTable {
        ReportTable(id: "remedies", section: "complaints", title: t("rp_remedies"),
                    header: [t("rp_remedy"), t("rp_requested"), t("rp_granted")],
                    rows: complaints.report.remedies.map {
                        [translated($0.remedy, prefix: "remedy_"), String($0.requested), String($0.granted)]
                    })
    }

    private func mediationSummary(_ mediation: ReportService.Mediation) -> ReportTable {
        let now = mediation.report, before = mediation.previous
        func row(_ key: String, _ value: (MediationReport) -> String) -> [String] { [t(key), value(now), value(before)] }
        return ReportTable(id: "mediation-summary", section: "mediation", title: t("rp_mediation"),
                           header: [t("rp_metric"), t("rp_this"), t("rp_previous")], rows: [
            row("rp_reviews") { String($0.reviews) },
            row("rp_held") { Self.percent($0.held) },
            row("rp_dialogs") { "\($0.dialogs.count) (\(Self.percent($0.dialogs)))" },
            row("rp_reply_median") { Self.number($0.firstShopReplyHours.median) },
            row("rp_resolved_customer") { Self.percent($0.resolvedByCustomer) },
            row("rp_rating_before") { Self.number($0.ratingBefore) },
            row("rp_rating_after") { Self.number($0.ratingAfter) },
            row("rp_changed") { String($0.profile.changedAfterDialog) },
            row("rp_withdrawn") { String($0.profile.withdrawn) },
            row("rp_withdrawn_comp") { String($0.profile.withdrawnAfterCompensation) },
        ])
    }

    private func stars(_ mediation: ReportService.Mediation) -> ReportTable {
        barTable("stars", section: "mediation", title: t("rp_stars"), header: [t("rp_stars_col"), t("rp_reviews_col")],
                 rows: mediation.report.byStars.map { ["\($0.stars)★", String($0.count)] })
    }

    private func publication(_ mediation: ReportService.Mediation) -> ReportTable {
        let routes = mediation.report.publication
        let rows = [("rp_route_day7", routes.day7), ("rp_route_day14", routes.day14),
                    ("rp_route_publish_now", routes.publishNow), ("rp_route_still", routes.stillHeld),
                    ("rp_route_not", routes.notPublished)].map { [t($0.0), String($0.1)] }
        return barTable("publication", section: "mediation", title: t("rp_publication"),
                        header: [t("rp_route"), t("rp_reviews_col")], rows: rows)
    }

    private func mediationTrendTable(_ mediation: ReportService.Mediation) -> ReportTable {
        let grouping = Self.trendGrouping(mediation.period)
        let title = t("rp_media_trend")
        return ReportTable(
            id: "mediation-trend", section: "mediation", title: title,
            header: [t("rp_when"), t("rp_reviews_col"), t("rp_held_col"), t("rp_dialogs_col")],
            rows: mediationTrend.map { [$0.key, String($0.reviews ?? 0), String($0.held ?? 0), String($0.dialogs)] },
            chart: SVGChart.lines(
                id: "chart-mediation-trend", title: title, description: t("rp_media_trend_desc", ["unit": t("rp_unit_" + grouping.rawValue)]),
                labels: Self.sparseLabels(mediationTrend.map(\.key)),
                series: [SVGChart.Series(name: t("rp_reviews_col"), points: mediationTrend.map { Double($0.reviews ?? 0) }),
                         SVGChart.Series(name: t("rp_held_col"), points: mediationTrend.map { Double($0.held ?? 0) }),
                         SVGChart.Series(name: t("rp_dialogs_col"), points: mediationTrend.map { Double($0.dialogs) })]))
    }

    private func agentName(_ id: String) -> String {
        id.isEmpty ? t("rp_unassigned") : staffNames[id] ?? id
    }

    private func teamComplaints(_ complaints: ReportService.Complaints) -> ReportTable {
        ReportTable(id: "team-complaints", section: "team", title: t("rp_team_complaints"), header: [
            t("rp_agent"), t("rp_handled"), t("rp_fr_median_short"), t("rp_decisions"), t("rp_satisfaction"),
        ], rows: Self.byCountThenName(ComplaintReport.agents(complaints.rollup).map {
            [agentName($0.agentId), String($0.handled), Self.number($0.firstResponseMedianHours), String($0.decisions),
             Self.number($0.satisfaction)]
        }))
    }

    private func teamDialogs(_ mediation: ReportService.Mediation) -> ReportTable {
        ReportTable(id: "team-dialogs", section: "team", title: t("rp_team_dialogs"), header: [
            t("rp_agent"), t("rp_dialogs_col"), t("rp_resolved_col"), t("rp_reply_col"),
        ], rows: Self.byCountThenName(MediationReport.agents(mediation.rollup).map {
            [agentName($0.key), String($0.dialogs), String($0.resolvedByCustomer), Self.number($0.firstShopReplyMedianHours)]
        }))
    }

    /// People sorted by their count (second cell), then by name, so equal counts always list the same way.
    package static func byCountThenName(_ rows: [[String]]) -> [[String]] {
        rows.sorted { first, second in
            let (a, b) = (Int(first[1]) ?? 0, Int(second[1]) ?? 0)
            return a != b ? a > b : first[0] < second[0]
        }
    }
}
