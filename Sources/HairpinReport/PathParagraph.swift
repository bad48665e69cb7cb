import HairpinAnalysis

/// One moved VM's paths as a paragraph a network engineer can paste into a ticket: where it
/// moved, where its outbound and return traffic go, what proves it, what limits the verdict,
/// and the usual fixes, worded as options.
struct PathParagraph {
    let path: Report.Path
    let report: Report

    var lines: [String] {
        var text = [moved, outbound, inbound].filter { !$0.isEmpty }.joined(separator: " ")
        if let trombone = path.trombone {
            text += " Its traffic to \(trombone.destinations.prefix(3).joined(separator: ", "))\(trombone.destinations.count > 3 ? " and others" : "")"
                + " trombones: after crossing the DCI to the gateway it is routed back across it into another segment"
                + " (\(Units.bytes(Int64(trombone.bytes))) in \(trombone.frames) packets, TTL one lower"
                + (trombone.evidence.first.map { ", \(frames($0))" } ?? "") + ")."
        }
        if path.floodBytes > 0 {
            text += " \(Units.bytes(Int64(path.floodBytes))) of frames to the VM still reached its old place after the move"
                + " (unknown-unicast flooding from a stale MAC entry" + (path.floodEvidence.map { ", \(frames($0))" } ?? "") + ")."
        }
        var lines = wrap(text)
        if !path.limitations.isEmpty { lines.append(contentsOf: wrap("Limits: " + path.limitations.joined(separator: "; ") + ".", indent: "  ")) }
        let fixes = options
        if !fixes.isEmpty { lines.append(contentsOf: wrap("Options: " + fixes.joined(separator: "; ") + ".", indent: "  ")) }
        return lines
    }

    private var vm: String {
        path.vmIPs.isEmpty ? "VM \(path.vmMAC)" : "VM \(path.vmIPs.joined(separator: ", ")) (\(path.vmMAC))"
    }

    private func placeText(host: String?, place: Report.Place, site: String?) -> String {
        let name = host ?? report.capture.interfaces.first { $0.id == place.interface }?.name ?? "if\(place.interface)"
        return name + (place.session.map { " session \($0)" } ?? "") + (site.map { " (site \($0))" } ?? "")
    }

    private var moved: String {
        guard let index = path.move, index < report.moves.count else {
            return "\(vm) at \(placeText(host: nil, place: path.place, site: path.toSite)), not moved."
        }
        let move = report.moves[index]
        var text = "\(vm) moved \(placeText(host: path.fromHost, place: move.from, site: path.fromSite)) → "
            + "\(placeText(host: path.toHost, place: move.to, site: path.toSite)) at \(Units.timestamp(path.timeNs))"
        if let id = path.migration, let migration = report.migrations.first(where: { $0.id == id }) {
            let kind = ["vmotion": "vMotion", "hyperv": "Hyper-V live migration", "qemu": "QEMU/KVM live migration", "nfc": "NFC copy"][migration.kind]
                ?? migration.kind
            text += " by \(kind) (migration \(id))"
        }
        if move.flipFlops > 0 { text += " after \(move.flipFlops) flip-flops between the hosts" }
        return text + "."
    }

    private var gatewayName: String {
        guard let gateway = path.gateway else { return "its gateway" }
        if gateway.protocol == "static" || gateway.protocol == "anycast" { return "its \(gateway.protocol) gateway" }
        let name = ["hsrp1": "HSRP", "hsrp2": "HSRPv2", "hsrp6": "HSRP for IPv6", "vrrp2": "VRRPv2", "vrrp3": "VRRPv3", "glbp": "GLBP"][gateway.protocol]
            ?? gateway.protocol
        let role = gateway.protocol == "glbp" ? "forwarder \(gateway.virtualMAC)"
            : gateway.protocol.hasPrefix("vrrp") ? "master" : "active"
        return "\(name) group \(gateway.group) \(role)"
    }

    /// "10.100.0.2 (00:1b:54:a1:00:01, ra1) at site dc-a", with what is known.
    private func router(_ router: Report.Path.Router) -> String {
        let details = (router.ip == nil ? [] : [router.mac]) + (router.name.map { [$0] } ?? [])
        return (router.ip ?? router.mac) + (details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")")
            + (router.site.map { " at site \($0)" } ?? "")
    }

    private func frames(_ evidence: Report.Path.Evidence) -> String {
        let range = evidence.firstFrame == evidence.lastFrame ? "frame \(evidence.firstFrame)" : "frames \(evidence.firstFrame)-\(evidence.lastFrame)"
        return "\(range) on \(evidence.place)"
    }

    private func proof(_ direction: Report.Path.Direction) -> String {
        var parts = [direction.confidence]
        if let first = direction.evidence.first { parts.append(frames(first)) }
        return "(" + parts.joined(separator: ", ") + ")"
    }

    private func cost(_ direction: Report.Path.Direction) -> String {
        var text = Units.bytes(Int64(direction.bytes))
        if let start = direction.startNs, let end = direction.endNs { text += " in \(Units.duration(end - start))" }
        switch direction.endedBy {
        case "capture_end": text += ", still going at the end of the capture"
        case "gateway_change": text += ", until the gateway changed"
        case "rebind": text += ", until the VM re-bound to another gateway MAC"
        case "traffic_stopped": text += ", until its traffic stopped"
        default: break
        }
        return text
    }

    private var outbound: String {
        let direction = path.outbound
        let forwarder = direction.forwarders.first.map(router) ?? "an unknown router"
        switch direction.verdict {
        case "hairpin":
            return "Its outbound traffic still goes to \(gatewayName) \(forwarder)"
                + (direction.bytes > 0 ? " over the DCI: \(cost(direction))" : "") + " \(proof(direction))."
        case "local":
            return "Its outbound traffic goes to \(gatewayName) \(forwarder)"
                + (direction.forwarders.first?.site == nil ? " at its own site" : " (its own site)") + ": \(direction.reason) \(proof(direction))."
        default:
            return "Where its outbound traffic goes is unknown: \(direction.reason)."
        }
    }

    private var inbound: String {
        let direction = path.inbound
        let routers = direction.forwarders.map(router).joined(separator: " and ")
        var text: String
        switch direction.verdict {
        case "hairpin":
            text = "Return traffic arrives from \(routers)" + (direction.bytes > 0 ? " over the DCI: \(cost(direction))" : "") + " \(proof(direction))"
        case "local":
            text = "Return traffic arrives from \(routers)" + (direction.forwarders.first?.site == nil ? " at its own site" : " (its own site)")
                + " \(proof(direction))"
        default:
            return "Where its return traffic comes from is unknown: \(direction.reason)."
        }
        if path.asymmetric {
            text += ": asymmetric" + (path.crossSite == true ? " across sites" : "") + ", outbound and return use different routers"
                + (path.flowCount > 1 ? " (\(path.asymmetricFlows) of its \(path.flowCount) routed flows)" : "")
        } else if direction.verdict == "hairpin" && path.outbound.verdict == "hairpin" {
            text += ": both directions cross the DCI"
        }
        return text + "."
    }

    /// The usual remedies for what was found, as options: which fits depends on the design.
    private var options: [String] {
        var options: [String] = []
        if path.outbound.verdict == "hairpin" {
            if path.gateway?.protocol == "glbp" {
                options.append("filter GLBP (UDP 3222 and the 0007.b4xx virtual MACs) at the DCI so each site has its own AVG and forwarders")
            } else {
                options.append("localise the first hop: FHRP isolation at the DCI (filter the hellos and the virtual MAC, same group at both sites)")
            }
            options.append("a distributed anycast gateway (EVPN anycast gateway, VARP, virtual-gateway-address)")
            options.append("where both sites' switches form one vPC/MLAG domain, let both peers forward for the virtual MAC (peer-gateway)")
        }
        if path.inbound.verdict == "hairpin" {
            options.append("ingress optimisation so the return enters where the VM is (host-route injection, LISP IP Mobility, EVPN host routes, RHI/GSLB)")
        }
        if path.asymmetric {
            options.append("keep stateful devices (firewalls, load balancers) out of the split or make both paths pass the same one")
        }
        if path.outbound.verdict == "unknown" || path.inbound.verdict == "unknown" {
            options.append("capture the DCI or give --topology to decide the unknown verdicts")
        }
        return options
    }

    private func wrap(_ text: String, indent: String = "", width: Int = 110) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
