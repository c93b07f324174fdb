-- Fonds friches applications and laureates (flag laureat_fv of the Cerema file) by région and edition: the France
-- Relance laureates the Cerema locates in a commune (placed in the territories) and those it does not (left out of
-- every territory and of every comparison); the 2023 Fonds vert apart.
-- params: none
-- columns: region_code, region_nom, num_demarche, edition, france_relance, candidatures, laureats, laureats_situes, laureats_non_situes
with situees as (
    select num_dossier from friche where commune_code is not null
),

final as (
    select
        f.region_code,
        coalesce(r.nom, 'Région non renseignée') as region_nom,
        f.num_demarche,
        f.edition,
        f.france_relance,
        count(*) as candidatures,
        count(*) filter (where f.laureat) as laureats,
        count(*) filter (where f.laureat and s.num_dossier is not null) as laureats_situes,
        count(*) filter (where f.laureat and s.num_dossier is null) as laureats_non_situes
    from fonds_friches as f
    left join region as r on r.code = f.region_code
    left join situees as s on s.num_dossier = f.num_dossier
    group by all
)

select * from final
order by region_nom, num_demarche
