/* global document, window, fetch, vega, vegaEmbed */
// The dashboard page's script: plain browser JavaScript, no build step. It polls
// /api/trials, redraws the table, appends new loss points to the live chart
// through vega's View API, and redraws the hyperparameter charts when their data change.
(function () {
  "use strict";
  var config = window.GRADKIT_DASHBOARD || { pollMs: 1000 };
  var state = { polls: 0, lossView: null, counts: {}, hparamKey: "", tableKey: "", error: null };
  window.gradkitDashboard = state;

  function getJson(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function fmt(key, v) {
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") {
      if (!isFinite(v)) return String(v);
      if (Number.isInteger(v)) return String(v);
      if (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) return v.toExponential(2);
      return String(Number(v.toPrecision(4)));
    }
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function configKeys(trials) {
    var keys = {};
    trials.forEach(function (t) {
      Object.keys(t.config).forEach(function (k) { keys[k] = true; });
    });
    return Object.keys(keys).sort();
  }

  function renderTable(trials) {
    var key = JSON.stringify(trials);
    if (key === state.tableKey) return;
    state.tableKey = key;
    var keys = configKeys(trials);
    var head = document.querySelector("#trials thead");
    var body = document.querySelector("#trials tbody");
    head.textContent = "";
    body.textContent = "";
    var hr = el("tr");
    ["trial"].concat(keys, ["status", "last step", "best val accuracy", "final loss", "report"]).forEach(function (c) {
      hr.appendChild(el("th", { "data-col": c }, c));
    });
    head.appendChild(hr);
    trials.forEach(function (t) {
      var tr = el("tr", { "data-trial": t.id });
      tr.appendChild(el("td", { "data-col": "trial" }, t.id));
      keys.forEach(function (k) {
        tr.appendChild(el("td", { "data-col": k, class: typeof t.config[k] === "number" ? "num" : "" }, fmt(k, t.config[k])));
      });
      var status = el("td", { "data-col": "status" });
      status.appendChild(el("span", { class: "state state-" + t.state }, t.state));
      if (t.error) status.appendChild(el("span", { class: "error", title: t.error }, " ⚠"));
      tr.appendChild(status);
      tr.appendChild(el("td", { "data-col": "last step", class: "num" }, String(t.lastStep)));
      tr.appendChild(el("td", { "data-col": "best val accuracy", class: "num" }, t.bestValAccuracy === null ? "—" : (100 * t.bestValAccuracy).toFixed(2) + "%"));
      tr.appendChild(el("td", { "data-col": "final loss", class: "num" }, fmt("loss", t.finalLoss)));
      var report = el("td", { "data-col": "report" });
      var a = el("a", { href: "/runs/" + encodeURIComponent(t.id) + "/report.html", target: "_blank" }, t.hasReport ? "report" : "make report");
      report.appendChild(a);
      tr.appendChild(report);
      body.appendChild(tr);
    });
  }

  function lossView() {
    if (state.lossView) return Promise.resolve(state.lossView);
    var spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: "container",
      height: 300,
      autosize: { type: "fit", contains: "padding" },
      data: { name: "loss" },
      mark: { type: "line", interpolate: "linear" },
      encoding: {
        x: { field: "step", type: "quantitative", title: "step" },
        y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } },
        color: { field: "trial", type: "nominal", title: "trial", legend: { orient: "top" } },
        tooltip: [{ field: "trial" }, { field: "step", type: "quantitative" }, { field: "loss", type: "quantitative", format: ".4g" }],
      },
    };
    return vegaEmbed("#loss-chart", spec, { renderer: "svg", actions: false }).then(function (result) {
      state.lossView = result.view;
      return result.view;
    });
  }

  function updateLoss(trials) {
    return lossView().then(function (view) {
      var jobs = trials.map(function (t) {
        var known = state.counts[t.id] || 0;
        if (t.lossPoints === known) return Promise.resolve(null);
        var from = t.lossPoints < known ? 0 : known; // fewer points than shown: the file was rewritten, start over
        return getJson("/api/loss?trial=" + encodeURIComponent(t.id) + "&from=" + from).then(function (r) {
          return { id: t.id, from: from, points: r.points };
        });
      });
      return Promise.all(jobs).then(function (updates) {
        var changes = vega.changeset();
        var any = false;
        updates.forEach(function (u) {
          if (u === null) return;
          any = true;
          if (u.from === 0 && (state.counts[u.id] || 0) > 0) {
            changes = changes.remove(function (d) { return d.trial === u.id; });
          }
          changes = changes.insert(u.points);
          state.counts[u.id] = u.from + u.points.length;
        });
        if (any) return view.change("loss", changes).runAsync();
        return null;
      });
    });
  }

  function updateHparams(trials, hparams) {
    var rows = trials.filter(function (t) { return t.bestValAccuracy !== null; });
    var key = JSON.stringify([hparams, rows.map(function (t) { return [t.id, t.bestValAccuracy, t.config]; })]);
    if (key === state.hparamKey) return Promise.resolve();
    state.hparamKey = key;
    var box = document.getElementById("hparams");
    box.textContent = "";
    if (hparams.length === 0 || rows.length === 0) {
      box.appendChild(el("p", { class: "note" }, rows.length === 0 ? "No trial has a validation accuracy yet." : "No numeric hyperparameter varies across trials."));
      return Promise.resolve();
    }
    return Promise.all(
      hparams.map(function (h, i) {
        var div = el("div", { class: "chart hparam", id: "hparam-" + i, "data-hparam": h.key });
        box.appendChild(div);
        var values = rows
          .filter(function (t) { return typeof t.config[h.key] === "number" && (!h.log || t.config[h.key] > 0); })
          .map(function (t) { return { trial: t.id, x: t.config[h.key], accuracy: t.bestValAccuracy }; });
        var spec = {
          $schema: "https://vega.github.io/schema/vega-lite/v5.json",
          title: h.key,
          width: 260,
          height: 200,
          data: { values: values },
          mark: { type: "point", filled: true, size: 70 },
          encoding: {
            x: { field: "x", type: "quantitative", title: h.key + (h.log ? " (log)" : ""), scale: h.log ? { type: "log", nice: false, padding: 16 } : { zero: false, nice: false, padding: 16 } },
            y: { field: "accuracy", type: "quantitative", title: "best val accuracy", scale: { zero: false, padding: 12 } },
            color: { field: "trial", type: "nominal", legend: null },
            tooltip: [{ field: "trial" }, { field: "x", type: "quantitative", title: h.key }, { field: "accuracy", type: "quantitative", format: ".2%" }],
          },
        };
        return vegaEmbed(div, spec, { renderer: "svg", actions: false });
      }),
    );
  }

  function tick() {
    getJson("/api/trials")
      .then(function (data) {
        renderTable(data.trials);
        return Promise.all([updateLoss(data.trials), updateHparams(data.trials, data.hyperparameters)]).then(function () {
          state.error = null;
          document.getElementById("updated").textContent = data.trials.length + " trials · updated " + new Date().toLocaleTimeString();
        });
      })
      .catch(function (e) {
        state.error = String(e && e.message ? e.message : e);
        document.getElementById("updated").textContent = "error: " + state.error;
        console.error(e);
      })
      .then(function () {
        state.polls += 1;
        setTimeout(tick, config.pollMs);
      });
  }

  tick();
})();
