using System;
using System.Collections.Generic;
using Top.Api.Response;
using Top.Api.Util;

namespace Top.Api.Request
{
    /// <summary>
    /// TOP API: taobao.demo.category.get
    /// </summary>
    public class DemoCategoryGetRequest : BaseTopRequest<DemoCategoryGetResponse>
    {
        /// <summary>
        /// 父类目
        /// </summary>
        public Nullable<long> ParentCid { get; set; }

        #region ITopRequest Members

        public override string GetApiName()
        {
            return "taobao.demo.category.get";
        }

        public override IDictionary<string, string> GetParameters()
        {
            TopDictionary parameters = new TopDictionary();
            parameters.Add("parent_cid", this.ParentCid);
            return parameters;
        }

        public override void Validate()
        {
        }

        #endregion
    }
}
