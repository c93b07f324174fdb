-- The brownfield hectares the France Relance Fonds friches laureates recycle (friche_ha as declared) inside the
-- territories of a phase, in the rest of France (located in a commune outside every territory) and among the
-- laureates the Cerema does not locate (in neither).
-- params: $phase INTEGER
-- columns: laureats_dedans, ha_dedans, laureats_hors, ha_hors, laureats_non_situes, ha_non_situes
with laureates as (
    select ff.num_dossier, ff.friche_ha, f.commune_code, tc.ti_id
    from fonds_friches as ff
    left join friche as f on f.num_dossier = ff.num_dossier and f.commune_code is not null
    left join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase
    where ff.france_relance and ff.laureat
)

select
    count(*) filter (where ti_id is not null) as laureats_dedans,
    coalesce(sum(friche_ha) filter (where ti_id is not null), 0) as ha_dedans,
    count(*) filter (where ti_id is null and commune_code is not null) as laureats_hors,
    coalesce(sum(friche_ha) filter (where ti_id is null and commune_code is not null), 0) as ha_hors,
    count(*) filter (where commune_code is null) as laureats_non_situes,
    coalesce(sum(friche_ha) filter (where commune_code is null), 0) as ha_non_situes
from laureates
