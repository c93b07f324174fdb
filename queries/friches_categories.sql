-- The France Relance Fonds friches laureates by normalised brownfield type and by project owner type (reviewed
-- tables relance/reference/friches_natures.csv and friches_porteurs.csv), with their declared hectares.
-- params: none
-- columns: rubrique, valeur, laureats, friche_ha
with laureates as (
    select * from fonds_friches where france_relance and laureat
),

natures as (
    select 'Type de friche' as rubrique, unnest(string_split(coalesce(natures, 'non renseigné'), ' ; ')) as valeur,
        friche_ha
    from laureates
),

final as (
    select rubrique, valeur, count(*) as laureats, sum(friche_ha) as friche_ha
    from natures
    group by rubrique, valeur
    union all
    select 'Porteur', porteur, count(*), sum(friche_ha)
    from laureates
    group by porteur
)

select * from final
order by rubrique desc, laureats desc, valeur
