/* Progress charts: a course's pain timeline, a patient's courses, the clinic's outcomes.
 *
 * Each chart finds its data through data-* attributes on its <canvas>:
 *   data-course-chart-url    JSON from /api/courses/<id>/progress
 *   data-overview-chart-url  JSON from /api/patients/<id>/progress
 *   data-outcomes-chart      inline JSON {labels: [...], shares: [...]}
 * Every chart has a table beside it holding the same numbers, so nothing here is the
 * only way to read the data.
 */
(function () {
  "use strict";

  if (window.meridianProgressCharts) {
    return; // the script was included twice
  }
  window.meridianProgressCharts = [];

  var COLORS = {
    before: "#11706b",
    after: "#7fb8b3",
    checkin: "#b35c00",
    discharge: "#1f2d3a",
    baseline: "#56636f",
    band: "rgba(25, 135, 84, 0.14)",
    bandEdge: "#198754",
    planned: "#56636f",
    safety: "#b02a37"
  };
  var COURSE_COLORS = ["#11706b", "#b35c00", "#3d5a98", "#8a3b76", "#56636f"];

  function statusFor(canvas) {
    var figure = canvas.closest("figure");
    return figure ? figure.querySelector("[data-chart-status]") : null;
  }

  function say(canvas, message) {
    var status = statusFor(canvas);
    if (status) {
      status.textContent = message;
    }
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  function point(score) {
    return { x: score.at, y: score.pain, session: score.session, source: score.source };
  }

  function scoresOf(data, kind) {
    return data.scores.filter(function (score) { return score.kind === kind; }).map(point);
  }

  function timeRange(data) {
    var times = [new Date(data.baseline.on + "T00:00:00").getTime()];
    data.scores.concat(data.sessions).forEach(function (item) {
      times.push(new Date(item.at).getTime());
    });
    return [new Date(Math.min.apply(null, times)), new Date(Math.max.apply(null, times))];
  }

  function levelLine(label, range, level, extra) {
    return Object.assign({
      label: label,
      data: [{ x: range[0], y: level }, { x: range[1], y: level }],
      pointRadius: 0,
      pointHitRadius: 0,
      borderWidth: 1.5,
      fill: false,
      order: 10
    }, extra);
  }

  function referenceDatasets(data, range) {
    var datasets = [levelLine("Baseline (" + data.baseline.pain + ")", range, data.baseline.pain, {
      borderColor: COLORS.baseline, borderDash: [6, 4]
    })];
    var responderPain = data.thresholds.responder_pain;
    if (responderPain !== null && responderPain !== undefined) {
      datasets.push(levelLine("Responder band (pain " + responderPain + " or less)", range,
        responderPain, { borderColor: COLORS.bandEdge, backgroundColor: COLORS.band, fill: "-1" }));
    }
    return datasets;
  }

  function scoreDatasets(data) {
    return [
      { label: "Pain before session", data: scoresOf(data, "before"), borderColor: COLORS.before,
        backgroundColor: COLORS.before, pointRadius: 4, borderWidth: 2 },
      { label: "Pain after session", data: scoresOf(data, "after"), borderColor: COLORS.after,
        backgroundColor: COLORS.after, pointRadius: 3, borderWidth: 1.5, borderDash: [3, 3] },
      { label: "Check-in", data: scoresOf(data, "checkin"), borderColor: COLORS.checkin,
        backgroundColor: COLORS.checkin, pointStyle: "triangle", pointRadius: 5, showLine: false },
      { label: "At discharge", data: scoresOf(data, "discharge"), borderColor: COLORS.discharge,
        backgroundColor: COLORS.discharge, pointStyle: "star", pointRadius: 7, showLine: false }
    ];
  }

  function markerDatasets(data) {
    var planned = data.sessions.filter(function (session) {
      return session.status === "booked" && new Date(session.at) >= new Date();
    }).map(function (session) {
      return { x: session.at, y: 0, session: session.number };
    });
    var safety = data.adverse_events.map(function (event) {
      return { x: event.at, y: 10, session: event.session, labels: event.labels };
    });
    return [
      { label: "Planned session", data: planned, borderColor: COLORS.planned,
        backgroundColor: "#fff", pointStyle: "rectRot", pointRadius: 6, showLine: false, clip: false },
      { label: "Safety event", data: safety, borderColor: COLORS.safety,
        backgroundColor: COLORS.safety, pointStyle: "crossRot", pointRadius: 8, borderWidth: 3,
        showLine: false, clip: false }
    ];
  }

  function describe(context) {
    var raw = context.raw || {};
    var text = context.dataset.label + ": " + context.parsed.y;
    if (raw.labels) {
      text = "Safety event: " + raw.labels.join(", ");
    } else if (context.dataset.label === "Planned session") {
      text = "Planned session";
    }
    if (raw.session) {
      text += " (session " + raw.session + ")";
    }
    return text;
  }

  function painScales() {
    return {
      x: { type: "time", time: { tooltipFormat: "d MMM yyyy HH:mm" }, ticks: { maxRotation: 0 } },
      y: { min: 0, max: 10, ticks: { stepSize: 1 }, title: { display: true, text: "Pain (0–10)" } }
    };
  }

  function options(title) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: true },
      scales: painScales(),
      plugins: {
        title: { display: Boolean(title), text: title },
        legend: { position: "bottom", labels: { usePointStyle: true,
          filter: function (item, chart) { return chart.datasets[item.datasetIndex].data.length > 0; } } },
        tooltip: { callbacks: { label: describe } }
      }
    };
  }

  function drawCourse(canvas, data) {
    var range = timeRange(data);
    var datasets = referenceDatasets(data, range).concat(scoreDatasets(data), markerDatasets(data));
    var course = data.course;
    var title = "Session " + course.sessions_done + " of " + course.planned_sessions;
    return new window.Chart(canvas, { type: "line", data: { datasets: datasets }, options: options(title) });
  }

  // Legends sit under the chart: a long diagnosis would run off a phone screen.
  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1).trimEnd() + "…" : text;
  }

  function drawOverview(canvas, data) {
    var datasets = data.courses.map(function (course, index) {
      var color = COURSE_COLORS[index % COURSE_COLORS.length];
      var points = course.scores.filter(function (score) { return score.kind !== "after"; }).map(point);
      points.unshift({ x: course.baseline.on + "T00:00:00", y: course.baseline.pain });
      return { label: shorten(course.course.diagnosis.label, 34) + " (from " + course.course.start_on + ")",
        data: points, borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2 };
    });
    return new window.Chart(canvas, { type: "line", data: { datasets: datasets }, options: options("") });
  }

  function drawOutcomes(canvas) {
    var data = JSON.parse(canvas.getAttribute("data-outcomes-chart"));
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: "Reached responder status (%)",
        data: data.shares, backgroundColor: COLORS.before }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: "% of completed courses" } } },
        plugins: { legend: { display: false } } }
    });
  }

  function remember(canvas, chart) {
    window.meridianProgressCharts.push(chart);
    say(canvas, "");
  }

  function start(canvas, attribute, draw) {
    if (canvas.dataset.chartReady) {
      return;
    }
    canvas.dataset.chartReady = "1";
    say(canvas, "Loading the chart…");
    fetchJson(canvas.getAttribute(attribute))
      .then(function (data) { remember(canvas, draw(canvas, data)); })
      .catch(function () { say(canvas, "The chart could not be loaded; the table has every score."); });
  }

  function init() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-course-chart-url]").forEach(function (canvas) {
      start(canvas, "data-course-chart-url", drawCourse);
    });
    document.querySelectorAll("canvas[data-overview-chart-url]").forEach(function (canvas) {
      start(canvas, "data-overview-chart-url", drawOverview);
    });
    document.querySelectorAll("canvas[data-outcomes-chart]").forEach(function (canvas) {
      if (!canvas.dataset.chartReady) {
        canvas.dataset.chartReady = "1";
        remember(canvas, drawOutcomes(canvas));
      }
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function resizeAll() {
    window.meridianProgressCharts.forEach(function (chart) { chart.resize(); });
  }

  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
