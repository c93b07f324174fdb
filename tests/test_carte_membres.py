"""The members' map of a territory (issue 22, item 9): each member's contour dissolved from the 2018 contours of its
communes, a circle for its laureates, in the fiche's « Par intercommunalité » tab and in its documents."""

import json

import brut
import numpy as np
import pytest
import shapely

from relance import charts, db
from relance.views import territoire

NEVERS_DEPARTEMENTS = ["58", "18"]  # Nièvre, and the Cher next to it (a member could reach it)


def test_each_member_is_drawn_from_its_own_communes(con, raw_dir):
    """Nevers Val de Loire (ti-2706): its six members, each contour the union of its communes' 2018 polygons read
    from the raw files (area within 2 %, simplification), its point inside it; the members tile the territory."""
    members = brut.member_communes(raw_dir, 1, "ti-2706")
    assert len(members) == 6
    polygons = brut.commune_polygons_2018(raw_dir, NEVERS_DEPARTEMENTS)
    built = db.run(con, "membres_contours", phase=1, ti="ti-2706").set_index("siren")
    assert set(built.index) == set(members)
    for siren, communes in members.items():
        expected = shapely.union_all([g for c in communes for g in polygons[c]])
        shape = shapely.from_geojson(built.loc[siren, "geojson"])
        assert shape.is_valid and shape.area == pytest.approx(expected.area, rel=0.02), siren
        assert shapely.intersection(shape, expected).area > 0.97 * expected.area, siren
        assert expected.contains(shapely.Point(built.loc[siren, "centre_lon"], built.loc[siren, "centre_lat"]))
        assert built.loc[siren, "communes"] == len(communes) and built.loc[siren, "communes_sans_contour"] == 0
    shapes = [shapely.from_geojson(g) for g in built["geojson"]]
    overlaps = sum(shapely.intersection(a, b).area for i, a in enumerate(shapes) for b in shapes[i + 1:])
    assert overlaps < 1e-6 * sum(s.area for s in shapes)  # shared borders stay shared


def test_every_member_of_every_territory_has_a_contour(con, attendu):
    """Both phases: one contour per member of each territory (the data check `membre_contour` holds the build to
    it), as many as the members the ANCT lists publish."""
    counted = dict(con.execute("select phase, count(*) from membre_geometrie group by phase").fetchall())
    assert counted == {1: attendu["membres"][1], 2: attendu["membres"][2]}
    assert con.execute("select count(*) from territoire_membre m anti join membre_geometrie g "
                       "using (phase, ti_id, siren)").fetchone()[0] == 0


@pytest.mark.france_entiere
def test_communes_reestablished_since_2018_lie_in_their_members_contour(con, raw_dir, reader, make_filtres):
    """Seven member communes have no 2018 contour of their own: they were re-established after 2018 from a commune
    nouvelle whose 2018 contour holds them. Pinned from the raw files: each is absent from the 2018 files, and the
    commune nouvelle that held it (Saline, Neussargues en Pinatelle, Essarts en Bocage) is in the same member."""
    reestablished = {"14666": ("14712", "200065597"), "15031": ("15141", "200066637"), "15035": ("15141", "200066637"),
                     "15047": ("15141", "200066637"), "15171": ("15141", "200066637"),
                     "85165": ("85084", "200071918"), "85212": ("85084", "200071918")}
    polygons = brut.commune_polygons_2018(raw_dir, ["14", "15", "85"])
    epci = {e["code"]: {m["code"] for m in e["membres"]} for e in json.loads(
        (raw_dir / "decoupage-administratif-6.0.0" / "epci.json").read_text(encoding="utf-8"))}
    for commune, (nouvelle, member) in reestablished.items():
        assert commune not in polygons and nouvelle in polygons and {commune, nouvelle} <= epci[member], commune
    rows = con.execute("select phase, siren, communes_sans_contour from membre_geometrie "
                       "where communes_sans_contour > 0 order by phase, siren").fetchall()
    assert rows == [(1, "200065597", 1), (2, "200065597", 1), (2, "200066637", 4), (2, "200071918", 2)]
    # said under the map, in the singular for Sannerville's territory (Caen Industrie, phase 1)
    note = territoire.profil(reader, make_filtres(), "ti-2802").par_membre.carte_note
    assert "1\u00a0commune rétablie depuis 2018, sans contour 2018 propre : son sol est dans le contour 2018 de la " \
           "commune nouvelle qu'elle a quittée, rattachée au même membre." in note
    assert con.execute("select lignes from source where cle = 'communes_2018'").fetchone()[0] == 20459 - 7


def test_members_map_draws_each_members_count(reader, make_filtres):
    """The map beside the table: one contour per member, a circle whose area is its count of laureates (none for
    zero), its name and count written (French plural), its rate in its hover; the same data as the table."""
    profil = territoire.profil(reader, make_filtres(), "ti-2706")
    by_member = profil.par_membre
    chart = by_member.carte
    table = by_member.table.data.set_index("SIREN")
    shapes, circles = chart.figure.data[0], chart.figure.data[1]
    assert set(shapes.locations) == set(table.index.dropna())
    counts = table.loc[list(shapes.locations), "Lauréats"].to_numpy()  # both traces: the members in one order
    sizes = np.asarray(circles.marker.size, dtype=float)
    largest = counts.max()
    assert sizes == pytest.approx(np.sqrt(counts / largest) * charts.SYMBOL_MAX)
    assert all(s == 0 for s, c in zip(sizes, counts, strict=True) if c == 0)
    for name, label, count, hover in zip(shapes.customdata[:, 0], circles.text, counts, circles.customdata,
                                         strict=True):
        assert label.replace("<br>", " ").startswith(name) and f"{count}\u00a0lauréat{'s' if count > 1 else ''}" \
            in label
        assert "pour 10\u00a0000 habitants" in hover[4]
    assert chart.data.equals(by_member.table.data)
    assert "surface des cercles proportionnelle aux lauréats" in chart.figure.layout.title.text.replace("<br>", " ")
    assert "Contours : IGN Admin Express via france-geojson, communes (géographie 2018)" in \
        chart.figure.layout.annotations[0].text.replace("<br>", " ")
    bare = by_member.carte_seule
    assert not bare.layout.annotations and bare.layout.margin.t == 0  # the fiche writes its note under it
    assert "un cercle par membre" in by_member.carte_note and "IGN Admin Express" in by_member.carte_note


def test_members_names_keep_clear_of_each_other():
    """Names go around their circle where they cover no other name nor circle and stay inside the frame: of two
    members side by side, the first keeps its name under its circle, the second puts its own beside the first's;
    a third at the same place finds no room left and is not named (its hover and the table name it)."""
    lon, lat = np.array([3.00, 3.02, 3.01]), np.array([47.0, 47.0, 47.0])
    geo, _, scale = charts._members_frame((2.9, 46.95, 3.1, 47.05))  # 0.2 degree across 740 px: circles 70 px apart
    labels = ["CC du Premier membre<br><b>3 lauréats</b>", "CC du Second membre<br><b>1 lauréat</b>",
              "CC du Troisième membre<br><b>1 lauréat</b>"]
    first, second, third = charts._label_positions(lon, lat, np.array([20.0, 10.0, 10.0]), labels, scale, geo)
    assert first == "bottom center" and second not in ("bottom center", None) and third is None
    assert charts._names_note(2, 3) == ("Noms écrits pour 2\u00a0membres sur 3 (les plus peuplés, sans qu'un nom en "
                                        "couvre un autre) ; les autres au survol et dans le tableau.")
    assert charts._names_note(1, 2).startswith("Noms écrits pour 1\u00a0membre sur 2 ")
