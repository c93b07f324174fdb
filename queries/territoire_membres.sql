-- Members of one territory (EPCI, EPT of the Grand Paris, or communes), largest first.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: siren, kind, nom, type, population, nb_communes
with membres as (
    select * from territoire_membre where phase = $phase and ti_id = $ti
),

final as (
    select
        m.siren,
        m.kind,
        m.nom,
        -- EPCI legal form (CC, CA, CU, METRO); EPT and communes named as such
        coalesce(e.type, case m.kind when 'ept' then 'EPT' else 'Commune' end) as type,
        m.population,
        m.nb_communes
    from membres as m
    left join epci as e on e.siren = m.siren
)

select * from final
order by population desc, siren
